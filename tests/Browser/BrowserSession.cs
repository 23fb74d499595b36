using System.Drawing;
using System.Text.Json;
using ModelUploads.Tests.Infrastructure;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using OpenQA.Selenium.Support.UI;
using Xunit.Abstractions;

namespace ModelUploads.Tests.Browser;

/// <summary>
/// Debian's headless Chromium driven through Debian's ChromeDriver, with a fresh profile under
/// the temporary folder. Both paths are given explicitly, so Selenium Manager never runs and
/// nothing is downloaded. Host names other than 127.0.0.1 resolve to nothing, so the page
/// under test can reach no other server. Each step's screenshot is kept under the test work
/// folder's screenshots folder.
/// </summary>
internal sealed class BrowserSession : IDisposable
{
    public const string BrowserPath = "/usr/bin/chromium";
    public const string DriverDirectory = "/usr/bin";
    public const string DriverFileName = "chromedriver";

    /// <summary>Characters of the page's text that a timeout's message quotes.</summary>
    private const int MaxPageText = 2000;

    private static readonly TimeSpan DefaultWait = TimeSpan.FromSeconds(30);
    private static readonly Size WindowSize = new(1280, 900);

    private readonly string _profile;
    private readonly string _name;
    private readonly ITestOutputHelper _output;
    private int _step;

    private BrowserSession(ChromeDriver driver, string profile, string downloads, string name, ITestOutputHelper output)
    {
        Driver = driver;
        _profile = profile;
        DownloadDirectory = downloads;
        _name = name;
        _output = output;
    }

    public ChromeDriver Driver { get; }

    /// <summary>Where the browser saves downloads without asking.</summary>
    public string DownloadDirectory { get; }

    /// <summary>The folder of every test's screenshots: "screenshots" in the test work folder.</summary>
    public static string ScreenshotDirectory => Path.Combine(TestEnvironment.WorkRoot, "screenshots");

    /// <summary>Starts a browser; <paramref name="name"/> prefixes the names of its screenshots.</summary>
    public static BrowserSession Start(string name, ITestOutputHelper output)
    {
        if (!File.Exists(BrowserPath) || !File.Exists(Path.Combine(DriverDirectory, DriverFileName)))
        {
            throw new InvalidOperationException(
                $"{BrowserPath} or {Path.Combine(DriverDirectory, DriverFileName)} is missing. Install Debian's chromium and "
                + "chromium-driver packages: source scripts/lib.sh && ensure_browser (scripts/test.sh does it).");
        }

        var profile = Directory.CreateTempSubdirectory("modeluploads-chromium-").FullName;
        var downloads = Path.Combine(profile, "downloads");
        Directory.CreateDirectory(downloads);

        var options = new ChromeOptions { BinaryLocation = BrowserPath };
        options.AddArguments(
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            $"--user-data-dir={Path.Combine(profile, "profile")}",
            $"--window-size={WindowSize.Width},{WindowSize.Height}",
            "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1");
        options.AddUserProfilePreference("download.default_directory", downloads);
        options.AddUserProfilePreference("download.prompt_for_download", false);
        options.SetLoggingPreference("performance", LogLevel.All);

        var service = ChromeDriverService.CreateDefaultService(DriverDirectory, DriverFileName);
        service.SuppressInitialDiagnosticInformation = true;
        service.LogPath = Path.Combine(profile, "chromedriver.log");

        var driver = new ChromeDriver(service, options, TimeSpan.FromSeconds(60));
        Directory.CreateDirectory(ScreenshotDirectory);
        return new BrowserSession(driver, profile, downloads, name, output);
    }

    /// <summary>
    /// Saves a PNG as the next numbered step and prints its path. For a shot of the whole page
    /// the window grows to the page's height and shrinks back after it; otherwise the shot is
    /// the window.
    /// </summary>
    public string Screenshot(string step, bool wholePage = true)
    {
        _step += 1;
        var path = Path.Combine(ScreenshotDirectory, $"{_name}-{_step:00}-{step}.png");
        var height = Convert.ToInt32(
            Driver.ExecuteScript("return Math.ceil(document.documentElement.scrollHeight);"),
            System.Globalization.CultureInfo.InvariantCulture);
        var window = Driver.Manage().Window;
        if (wholePage)
        {
            window.Size = WindowSize with { Height = Math.Max(WindowSize.Height, height + ChromeHeight()) };
        }

        try
        {
            Driver.GetScreenshot().SaveAsFile(path);
        }
        finally
        {
            window.Size = WindowSize;
        }

        _output.WriteLine($"screenshot: {path}");
        return path;
    }

    /// <summary>Waits until <paramref name="condition"/> returns a value other than null, and returns it.</summary>
    public T WaitUntil<T>(Func<IWebDriver, T?> condition, string expected, TimeSpan? timeout = null)
        where T : class =>
        (T)Wait(driver => condition(driver), expected, timeout)!;

    /// <summary>Waits until <paramref name="condition"/> returns true.</summary>
    public void WaitUntil(Func<IWebDriver, bool> condition, string expected, TimeSpan? timeout = null) =>
        Wait(driver => condition(driver) ? driver : null, expected, timeout);

    private object? Wait(Func<IWebDriver, object?> condition, string expected, TimeSpan? timeout)
    {
        var wait = new WebDriverWait(Driver, timeout ?? DefaultWait) { Message = expected };
        wait.IgnoreExceptionTypes(
            typeof(NoSuchElementException), typeof(StaleElementReferenceException), typeof(NoAlertPresentException));
        try
        {
            return wait.Until(condition);
        }
        catch (WebDriverTimeoutException)
        {
            var shot = Screenshot("timed-out");
            var text = Driver.FindElement(By.TagName("body")).Text;
            throw new TimeoutException(
                $"Timed out after {(timeout ?? DefaultWait).TotalSeconds} s waiting for {expected}. Screenshot: {shot}\n"
                + $"URL {Driver.Url}, page text:\n{(text.Length > MaxPageText ? text[..MaxPageText] + "\u2026" : text)}");
        }
    }

    /// <summary>Waits for an element that is displayed and returns it.</summary>
    public IWebElement WaitForVisible(By by, TimeSpan? timeout = null) =>
        WaitUntil(driver => driver.FindElements(by).FirstOrDefault(element => element.Displayed), $"a visible element {by}", timeout);

    /// <summary>Returns the URL of every request the browser sent so far, read from ChromeDriver's performance log.</summary>
    public IReadOnlyList<string> RequestedUrls()
    {
        var urls = new List<string>();
        foreach (var entry in Driver.Manage().Logs.GetLog("performance"))
        {
            using var json = JsonDocument.Parse(entry.Message);
            var message = json.RootElement.GetProperty("message");
            if (message.GetProperty("method").GetString() == "Network.requestWillBeSent")
            {
                urls.Add(message.GetProperty("params").GetProperty("request").GetProperty("url").GetString() ?? "");
            }
        }

        return urls;
    }

    public void Dispose()
    {
        Driver.Quit();
        Driver.Dispose();
        try
        {
            Directory.Delete(_profile, recursive: true);
        }
        catch (IOException)
        {
            // Chromium's helper processes can hold files for a moment after Quit; the temporary folder is cleaned later.
        }
    }

    /// <summary>Returns the height of the window around the page, so a shot of the whole page can size the window to fit.</summary>
    private int ChromeHeight() =>
        Convert.ToInt32(
            Driver.ExecuteScript("return window.outerHeight - window.innerHeight;"),
            System.Globalization.CultureInfo.InvariantCulture);
}
