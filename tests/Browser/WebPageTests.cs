using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ModelUploads.Tests.Infrastructure;
using ModelUploads.Tests.Unit;
using OpenQA.Selenium;
using Xunit.Abstractions;

namespace ModelUploads.Tests.Browser;

/// <summary>
/// The web page in Debian's headless Chromium against the real silo process. The tests cover
/// sign-in, the models table with live run status, the upload dialog, the diagnostics charts,
/// the run page, the CSV download, a rejected upload, the API reference and the dashboard.
/// Each step leaves a screenshot.
/// </summary>
public sealed class WebPageTests(WebPageFixture fixture, ITestOutputHelper output) : IClassFixture<WebPageFixture>
{
    /// <summary>How long an upload's two runs may take: a container start, the predictions and their checks, each.</summary>
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(5);

    [Fact]
    public async Task PageTakesUploadToSuccessAndDiagnostics()
    {
        using var browser = BrowserSession.Start("upload-flow", output);
        using var api = fixture.Client(fixture.User);
        var modelName = $"rank-mean-{Guid.NewGuid():N}"[..18];

        // Given a signed-in user
        SignIn(browser, fixture.User.Key);
        browser.Screenshot("signed-in");

        // When they create a model and upload the rank_mean pickle with the default runtime
        var row = CreateModel(browser, modelName);
        row.FindElement(By.CssSelector(".upload-model")).Click();
        var python = browser.WaitUntil(
            driver => driver.FindElement(By.Id("upload-python")) is { Enabled: true } select ? select : null,
            "the runtime list to load");
        Assert.Equal("3.11", python.GetDomProperty("value"));
        browser.Driver.FindElement(By.Id("upload-file")).SendKeys(fixture.RankMeanPickle);
        browser.Screenshot("upload-dialog");
        browser.Driver.FindElement(By.Id("upload-submit")).Click();
        browser.WaitUntil(driver => driver.FindElements(By.Id("upload-dialog")).Count == 0, "the upload dialog to close");
        browser.Screenshot("upload-accepted");

        // Then the table follows both runs to Success and shows the upload and the round's submission
        row = browser.WaitUntil(
            driver => RowOf(driver, modelName) is { } current
                && current.FindElements(By.CssSelector(".run-line")) is { Count: 2 } lines
                && lines.All(line => line.GetDomAttribute("data-status") == "Success")
                    ? current
                    : null,
            $"both runs of {modelName} to reach Success",
            RunTimeout);
        Assert.Equal("Success", row.FindElement(By.CssSelector("td.run-status")).GetDomAttribute("data-status"));
        TextAssert.Contains("rank_mean.pkl", row.FindElement(By.CssSelector(".model-upload")).Text);
        TextAssert.Contains("Python 3.11", row.FindElement(By.CssSelector(".model-upload")).Text);
        Assert.Equal(
            fixture.Round.ToString(CultureInfo.InvariantCulture),
            browser.WaitUntil(
                driver => RowOf(driver, modelName)?.FindElement(By.CssSelector(".model-round")).GetDomAttribute("data-round"),
                $"round {fixture.Round}'s submission in the row"));
        browser.Screenshot("runs-succeeded");

        // When the submission is downloaded
        RowOf(browser.Driver, modelName)!.FindElement(By.CssSelector(".download-csv")).Click();
        var csvPath = Path.Combine(browser.DownloadDirectory, $"{modelName}-round-{fixture.Round}.csv");
        browser.WaitUntil(_ => File.Exists(csvPath) ? csvPath : null, $"the download {csvPath}");

        // Then it is the stored CSV
        Assert.Equal(
            await api.GetStringAsync($"/api/models/{ModelId(browser, modelName)}/submissions/{fixture.Round}"),
            await File.ReadAllTextAsync(csvPath));

        // When the diagnostics are opened
        var modelId = ModelId(browser, modelName);
        var diagnostics = await api.GetFromJsonAsync<JsonElement>($"/api/models/{modelId}/diagnostics", ApiSiloFixture.Json);
        var eraCount = diagnostics.GetProperty("eras").GetArrayLength();
        RowOf(browser.Driver, modelName)!.FindElement(By.CssSelector(".diagnostics-link")).Click();

        // Then the bar chart has one bar per era, the line a point per era, and the summary the mean
        var bars = browser.WaitUntil(
            driver => driver.FindElements(By.CssSelector("svg.era-bars rect.bar")) is { Count: > 0 } found ? found : null,
            "the bars of the era chart");
        Assert.True(eraCount == WebPageFixture.ValidationEras - 1, $"the diagnostics have {eraCount} eras");
        Assert.True(bars.Count == eraCount, $"the chart has {bars.Count} bars for {eraCount} eras");
        var points = browser.Driver.FindElements(By.CssSelector("svg.cumulative circle.point"));
        Assert.True(points.Count == eraCount, $"the cumulative line has {points.Count} points for {eraCount} eras");
        var mean = diagnostics.GetProperty("mean").GetDouble().ToString("F4", CultureInfo.InvariantCulture);
        TextAssert.Contains(mean, browser.Driver.FindElement(By.Id("diagnostics-summary")).Text);
        browser.Screenshot("diagnostics");

        // When the live run's page is opened from the table
        browser.Driver.Navigate().GoToUrl(new Uri(fixture.Address, "/#/"));
        browser.WaitUntil(driver => RowOf(driver, modelName), $"the row of {modelName}")
            .FindElement(By.CssSelector(".run-line[data-kind='Live'] .run-link")).Click();

        // Then it shows every status of the timeline and the log's last lines
        var timeline = browser.WaitUntil(
            driver => driver.FindElements(By.CssSelector("#run-timeline li")) is { Count: 4 } items ? items : null,
            "four entries in the run's timeline");
        Assert.Equal(
            ["Pending", "Running", "Validating", "Success"],
            timeline.Select(item => item.GetDomAttribute("data-status") ?? "").ToArray());
        var log = browser.WaitUntil(driver => driver.FindElement(By.Id("run-log")).Text is { Length: > 0 } text ? text : null, "the run's log");
        TextAssert.Contains("wrote 1000 predictions", log);
        browser.Screenshot("run-page");
    }

    [Fact]
    public async Task UploadDialogShowsDetailWhenRejected()
    {
        using var browser = BrowserSession.Start("rejected-upload", output);
        using var api = fixture.Client(fixture.User);
        var modelName = $"compute-on-{Guid.NewGuid():N}"[..19];

        // Given a model whose compute setting is enabled, so that an upload gets 409
        SignIn(browser, fixture.User.Key);
        CreateModel(browser, modelName);
        var modelId = ModelId(browser, modelName);
        using var compute = await api.PutAsJsonAsync($"/api/models/{modelId}/compute", new { enabled = true });
        Assert.True(compute.StatusCode == HttpStatusCode.OK, await compute.Content.ReadAsStringAsync());

        // When a pickle is uploaded to it through the dialog
        RowOf(browser.Driver, modelName)!.FindElement(By.CssSelector(".upload-model")).Click();
        browser.WaitUntil(driver => driver.FindElement(By.Id("upload-python")).Enabled, "the runtime list to load");
        browser.Driver.FindElement(By.Id("upload-file")).SendKeys(fixture.RankMeanPickle);
        browser.Driver.FindElement(By.Id("upload-submit")).Click();

        // Then the dialog stays open with the ProblemDetails detail of the 409
        var error = browser.WaitForVisible(By.Id("upload-error"));
        TextAssert.Contains($"Model '{modelName}' has its compute configuration enabled", error.Text);
        TextAssert.Contains($"PUT /api/models/{modelId}/compute", error.Text);
        Assert.True(browser.Driver.FindElement(By.Id("upload-submit")).Enabled, "the Upload button stayed disabled after the rejection");
        browser.Screenshot("upload-rejected");

        browser.Driver.FindElement(By.Id("upload-cancel")).Click();
        browser.WaitUntil(driver => driver.FindElements(By.Id("upload-dialog")).Count == 0, "the upload dialog to close");
        browser.Screenshot("models-table");
    }

    [Fact]
    public async Task RowRunsAgainAndRemovesUpload()
    {
        using var browser = BrowserSession.Start("run-again", output);
        using var api = fixture.Client(fixture.User);
        var modelName = $"run-again-{Guid.NewGuid():N}"[..18];

        // Given a model whose upload, sent through the API, ran to Success
        using var created = await api.PostAsJsonAsync("/api/models", new { name = modelName });
        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var modelId = (await created.Content.ReadFromJsonAsync<JsonElement>(ApiSiloFixture.Json)).GetProperty("modelId").GetString()!;
        using var form = new MultipartFormDataContent
        {
            { new StringContent("3.11"), "python_version" },
            { new ByteArrayContent(await File.ReadAllBytesAsync(fixture.RankMeanPickle)), "file", "rank_mean.pkl" },
        };
        using var upload = await api.PostAsync($"/api/models/{modelId}/upload", form);
        Assert.True(upload.StatusCode == HttpStatusCode.Accepted, await upload.Content.ReadAsStringAsync());
        SignIn(browser, fixture.User.Key);
        var firstRun = WaitForLiveRunSuccess(browser, modelName, previousRunId: null);

        // When the row's Run again button is clicked
        RowOf(browser.Driver, modelName)!.FindElement(By.CssSelector(".trigger-run")).Click();

        // Then a new live run appears in the row and reaches Success
        var secondRun = WaitForLiveRunSuccess(browser, modelName, firstRun);
        Assert.NotEqual(firstRun, secondRun);

        // When the upload is removed and the confirmation accepted
        RowOf(browser.Driver, modelName)!.FindElement(By.CssSelector(".remove-upload")).Click();
        browser.WaitUntil(driver => driver.SwitchTo().Alert(), "the confirmation to remove the upload").Accept();

        // Then the row shows no upload and its upload-dependent buttons are disabled
        browser.WaitUntil(
            driver => RowOf(driver, modelName)?.FindElement(By.CssSelector(".model-upload")).Text.StartsWith("No upload", StringComparison.Ordinal) == true,
            "the row to show no upload");
        var row = RowOf(browser.Driver, modelName)!;
        Assert.False(row.FindElement(By.CssSelector(".trigger-run")).Enabled, "Run again stayed enabled without an upload");
        Assert.False(row.FindElement(By.CssSelector(".remove-upload")).Enabled, "Remove upload stayed enabled without an upload");
        var model = await api.GetFromJsonAsync<JsonElement>($"/api/models/{modelId}", ApiSiloFixture.Json);
        Assert.True(model.GetProperty("upload").ValueKind == JsonValueKind.Null, $"the model still has an upload: {model}");
        browser.Screenshot("upload-removed");
    }

    [Fact]
    public void SignInShowsDetailWhenKeyIsUnknown()
    {
        using var browser = BrowserSession.Start("unknown-key", output);
        var unknown = $"{Guid.NewGuid():N}${new string('0', 64)}";

        browser.Driver.Navigate().GoToUrl(fixture.Address);
        browser.WaitForVisible(By.Id("api-key")).SendKeys(unknown);
        browser.Driver.FindElement(By.Id("sign-in")).Click();

        var error = browser.WaitForVisible(By.Id("sign-in-error"));
        TextAssert.Contains($"No API key has the public id '{unknown.Split('$')[0]}'", error.Text);
        Assert.True(browser.Driver.FindElements(By.Id("models-table")).Count == 0, "the models table appeared for an unknown key");
        Assert.Null(browser.Driver.ExecuteScript("return sessionStorage.getItem('modeluploads.apiKey');"));
        browser.Screenshot("sign-in-rejected");
    }

    [Fact]
    public void SignOutForgetsKey()
    {
        using var browser = BrowserSession.Start("sign-out", output);

        SignIn(browser, fixture.User.Key);
        browser.Driver.FindElement(By.Id("sign-out")).Click();

        browser.WaitForVisible(By.Id("api-key"));
        Assert.Null(browser.Driver.ExecuteScript("return sessionStorage.getItem('modeluploads.apiKey');"));
        Assert.False(browser.Driver.FindElement(By.Id("main-nav")).Displayed, "the navigation stays visible after sign-out");
    }

    [Fact]
    public async Task PageNeedsNoKeyButApiDoes()
    {
        using var client = fixture.AnonymousClient();

        using var page = await client.GetAsync("/");
        using var script = await client.GetAsync("/js/app.js");
        using var models = await client.GetAsync("/api/models");

        Assert.True(page.StatusCode == HttpStatusCode.OK, $"GET / returned {page.StatusCode}");
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        TextAssert.Contains("<script type=\"module\" src=\"/js/app.js\">", await page.Content.ReadAsStringAsync());
        TextAssert.Contains("default-src 'self'", page.Headers.TryGetValues("Content-Security-Policy", out var policy) ? string.Join(' ', policy) : null);
        Assert.True(script.StatusCode == HttpStatusCode.OK, $"GET /js/app.js returned {script.StatusCode}");
        Assert.True(models.StatusCode == HttpStatusCode.Unauthorized, $"GET /api/models without a key returned {models.StatusCode}");
    }

    [Fact]
    public void ApiReferenceLoadsNothingFromOtherHosts()
    {
        using var browser = BrowserSession.Start("api-reference", output);

        browser.Driver.Navigate().GoToUrl(new Uri(fixture.Address, "/scalar/"));

        // Scalar renders the document's title and its first operation once it loaded /openapi/v1.json.
        // It renders the sections below the window only when they are scrolled into view.
        browser.WaitUntil(
            driver => browser.Driver.ExecuteScript(
                "const text = document.body.innerText; return text.includes('ModelUploads API') && text.includes('/health');")
                is true,
            "Scalar to show the document's title and the health operation");
        browser.Screenshot("api-reference", wholePage: false);
        var origin = fixture.Address.GetLeftPart(UriPartial.Authority);
        var requested = browser.RequestedUrls();
        Assert.True(
            requested.Contains($"{origin}/openapi/v1.json"),
            $"the performance log shows no request of the OpenAPI document among: {string.Join(", ", requested)}");
        var foreign = requested
            .Where(url => url.StartsWith("http", StringComparison.Ordinal) && !url.StartsWith(origin + "/", StringComparison.Ordinal))
            .ToArray();
        Assert.True(foreign.Length == 0, $"the API reference requested other hosts: {string.Join(", ", foreign)}");
    }

    [Fact]
    public async Task OpenApiDocumentListsEveryEndpoint()
    {
        using var client = fixture.AnonymousClient();

        var document = await client.GetFromJsonAsync<JsonElement>("/openapi/v1.json");

        var paths = document.GetProperty("paths");
        string[] expected =
        [
            "/api/models", "/api/models/{modelId}", "/api/models/{modelId}/upload", "/api/models/{modelId}/compute",
            "/api/models/{modelId}/trigger", "/api/models/{modelId}/runs", "/api/models/{modelId}/diagnostics",
            "/api/models/{modelId}/submissions/{round}", "/api/runs/{runId}", "/api/runs/{runId}/log", "/api/rounds/current",
            "/api/rounds", "/api/runtimes", "/api/validation", "/api/users", "/api/keys/{publicId}", "/health",
        ];
        var missing = expected.Where(path => !paths.TryGetProperty(path, out _)).ToArray();
        Assert.True(missing.Length == 0, $"the OpenAPI document lacks {string.Join(", ", missing)}");
        var scheme = document.GetProperty("components").GetProperty("securitySchemes").GetProperty("ApiKey");
        Assert.Equal("Authorization", scheme.GetProperty("name").GetString());
        Assert.True(
            paths.GetProperty("/api/models").GetProperty("get").TryGetProperty("security", out _),
            "GET /api/models carries no security requirement");
        Assert.False(
            paths.GetProperty("/health").GetProperty("get").TryGetProperty("security", out _),
            "GET /health carries a security requirement, but it needs no key");
    }

    [Fact]
    public async Task DashboardNeedsAdministratorKey()
    {
        using var anonymous = fixture.AnonymousClient();
        using var user = fixture.Client(fixture.User);
        using var administrator = fixture.Client(fixture.Administrator);

        using var withoutKey = await anonymous.GetAsync("/dashboard/");
        using var withUserKey = await user.GetAsync("/dashboard/");
        using var withAdministratorKey = await administrator.GetAsync("/dashboard/");

        Assert.True(withoutKey.StatusCode == HttpStatusCode.Unauthorized, $"without a key: {withoutKey.StatusCode}");
        Assert.True(withUserKey.StatusCode == HttpStatusCode.Forbidden, $"with a user's key: {withUserKey.StatusCode}");
        Assert.True(withAdministratorKey.StatusCode == HttpStatusCode.OK, $"with an administrator's key: {withAdministratorKey.StatusCode}");
        TextAssert.Contains("<title>Orleans Dashboard</title>", await withAdministratorKey.Content.ReadAsStringAsync());
    }

    [Fact]
    public void DashboardOpensInPageForAdministrator()
    {
        using var browser = BrowserSession.Start("dashboard", output);

        SignIn(browser, fixture.Administrator.Key);
        browser.Driver.FindElement(By.CssSelector("a[data-nav='dashboard']")).Click();

        // The dashboard's own scripts load through the service worker, which adds the key; its menu appears once they ran.
        var frame = browser.WaitForVisible(By.Id("dashboard-frame"));
        browser.Driver.SwitchTo().Frame(frame);
        browser.WaitUntil(driver => driver.FindElements(By.CssSelector("#menu a")).Count > 0, "the dashboard's menu");

        // An image is a no-cors request, which the worker must send with the key too.
        browser.WaitUntil(
            driver => driver.FindElements(By.TagName("img")) is { Count: > 0 } images
                && images.All(image => browser.Driver.ExecuteScript("return arguments[0].complete && arguments[0].naturalWidth > 0;", image) is true),
            "every image of the dashboard to load");
        browser.Driver.SwitchTo().DefaultContent();
        browser.Screenshot("dashboard");
    }

    [Fact]
    public void DashboardShowsDetailWhenKeyIsNotAdministrators()
    {
        using var browser = BrowserSession.Start("dashboard-forbidden", output);

        SignIn(browser, fixture.User.Key);
        browser.Driver.FindElement(By.CssSelector("a[data-nav='dashboard']")).Click();

        var message = browser.WaitUntil(
            driver => driver.FindElement(By.Id("dashboard-message")).Text is { } text && text.Contains("not an administrator", StringComparison.Ordinal)
                ? text
                : null,
            "the 403 detail on the dashboard page");
        TextAssert.Contains(fixture.User.UserId, message);
        Assert.True(browser.Driver.FindElements(By.Id("dashboard-frame")).Count == 0, "the dashboard frame opened for a user's key");
    }

    private void SignIn(BrowserSession browser, string key)
    {
        browser.Driver.Navigate().GoToUrl(fixture.Address);
        browser.WaitForVisible(By.Id("api-key")).SendKeys(key);
        browser.Driver.FindElement(By.Id("sign-in")).Click();
        browser.WaitForVisible(By.Id("models-table"));
        browser.WaitUntil(driver => driver.FindElements(By.CssSelector("#models-table .message-row")).All(row => !row.Text.StartsWith("Loading", StringComparison.Ordinal)),
            "the models to load");
    }

    /// <summary>Waits until the row's live run is a run other than <paramref name="previousRunId"/> and reached Success, and returns its id.</summary>
    private static string WaitForLiveRunSuccess(BrowserSession browser, string modelName, string? previousRunId) =>
        browser.WaitUntil(
            driver => RowOf(driver, modelName)?.FindElements(By.CssSelector(".run-line[data-kind='Live']")).FirstOrDefault() is { } line
                && line.GetDomAttribute("data-status") == "Success"
                && line.GetDomAttribute("data-run-id") is { } runId
                && runId != previousRunId
                    ? runId
                    : null,
            $"a new live run of {modelName} to reach Success",
            RunTimeout);

    private static IWebElement CreateModel(BrowserSession browser, string name)
    {
        browser.Driver.FindElement(By.Id("new-model-name")).SendKeys(name);
        browser.Driver.FindElement(By.Id("create-model")).Click();
        return browser.WaitUntil(driver => RowOf(driver, name), $"the row of the new model {name}");
    }

    private static IWebElement? RowOf(IWebDriver driver, string modelName) =>
        driver.FindElements(By.CssSelector("#models-table tbody tr[data-model-id]"))
            .FirstOrDefault(row => row.FindElement(By.CssSelector(".model-name strong")).Text == modelName);

    private static string ModelId(BrowserSession browser, string modelName) =>
        RowOf(browser.Driver, modelName)?.GetDomAttribute("data-model-id")
            ?? throw new InvalidOperationException($"no row shows the model {modelName}");
}
