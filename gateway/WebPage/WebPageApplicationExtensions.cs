using Microsoft.Extensions.FileProviders;

namespace ModelUploads.Gateway.WebPage;

/// <summary>
/// Serves the web page in wwwroot without an API key. The files are read from the wwwroot
/// folder beside the running assembly, because the build copies the gateway's wwwroot into
/// the output of the gateway and of the silo that co-hosts it, whatever the working folder is.
/// </summary>
public static partial class WebPageApplicationExtensions
{
    /// <summary>
    /// Only the gateway's own origin may provide scripts, styles, frames and API calls, so the
    /// page runs without internet access and an injected model name cannot load anything.
    /// </summary>
    private const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; "
        + "frame-src 'self'; worker-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'self'";

    /// <summary>
    /// Adds the default-file and static-file middleware for the web page. Call it before
    /// authentication, so that GET / and the page's files need no key and count against no rate limit.
    /// </summary>
    public static WebApplication UseModelUploadsWebPage(this WebApplication app)
    {
        var root = Path.Combine(AppContext.BaseDirectory, "wwwroot");
        if (!Directory.Exists(root))
        {
            LogNoWebRoot(app.Logger, root);
            return app;
        }

        var files = new PhysicalFileProvider(root);
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = files,
            OnPrepareResponse = context =>
            {
                var headers = context.Context.Response.Headers;

                // Revalidate with the ETag on every load, so a new build's files are never mixed with cached ones.
                headers.CacheControl = "no-cache";
                headers.XContentTypeOptions = "nosniff";
                if (context.File.Name.EndsWith(".html", StringComparison.OrdinalIgnoreCase))
                {
                    headers.ContentSecurityPolicy = ContentSecurityPolicy;
                    headers.XFrameOptions = "SAMEORIGIN";
                }
            },
        });
        return app;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "No web page is served, because the folder {WebRoot} does not exist; rebuild the gateway to copy wwwroot there")]
    private static partial void LogNoWebRoot(ILogger logger, string webRoot);
}
