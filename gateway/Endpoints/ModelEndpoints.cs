using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using ModelUploads.Accounts;
using ModelUploads.Gateway.Auth;
using ModelUploads.Gateway.Uploads;
using ModelUploads.Models;
using ModelUploads.Runs;

namespace ModelUploads.Gateway.Endpoints;

/// <summary>
/// Models: create, list, read, upload a pickle, compute setting, trigger, runs and submissions,
/// and the administrators' disable. Each handler checks the caller's access through <see cref="ModelAccess"/>.
/// </summary>
public static class ModelEndpoints
{
    /// <summary>Bytes of multipart framing and form fields allowed on top of the pickle itself.</summary>
    private const long MultipartOverheadBytes = 64 * 1024;

    private const int MaxFieldLength = 256;

    /// <summary>Largest CSV submission; a round of 6,000 ids takes about 200 KB.</summary>
    private const long MaxSubmissionBytes = 64L * 1024 * 1024;

    public static IEndpointRouteBuilder MapModelEndpoints(this IEndpointRouteBuilder routes, long maxPickleBytes)
    {
        var models = routes.MapGroup("/api/models").WithTags("Models");
        models.MapPost("/", CreateAsync);
        models.MapGet("/", ListAsync);
        models.MapGet("/{modelId}", GetAsync);
        models.MapPost("/{modelId}/upload", UploadAsync)
            .WithMetadata(new RequestSizeLimitAttribute(maxPickleBytes + MultipartOverheadBytes))
            .DisableAntiforgery();
        models.MapGet("/{modelId}/upload", DownloadUploadAsync);
        models.MapDelete("/{modelId}/upload", RemoveUploadAsync);
        models.MapPut("/{modelId}/compute", SetComputeAsync);
        models.MapPost("/{modelId}/trigger", TriggerAsync);
        models.MapGet("/{modelId}/runs", ListRunsAsync);
        models.MapGet("/{modelId}/diagnostics", GetDiagnosticsAsync);
        models.MapGet("/{modelId}/submissions/{round:int}", GetSubmissionAsync);
        models.MapPost("/{modelId}/submissions", SubmitAsync)
            .WithMetadata(new RequestSizeLimitAttribute(MaxSubmissionBytes))
            .DisableAntiforgery();
        models.MapPost("/{modelId}/disable", DisableAsync).RequireAuthorization(AuthorizationPolicies.Administrator);
        return routes;
    }

    /// <summary>A new model, owned by the caller.</summary>
    public sealed record CreateModelRequest(string? Name);

    public sealed record DisableModelRequest(string? Reason);

    public sealed record ComputeRequest(bool Enabled);

    public sealed record TriggerResponse(string RunId);

    private static async Task<Created<ModelSnapshot>> CreateAsync(CreateModelRequest request, ClaimsPrincipal principal, IGrainFactory grains)
    {
        var model = await grains.GetGrain<IUserGrain>(Caller.From(principal).UserId).CreateModelAsync(request.Name ?? "");
        return TypedResults.Created($"/api/models/{model.ModelId}", model);
    }

    /// <summary>Lists the caller's own models, newest first. An administrator's list, too, contains only their own models.</summary>
    private static async Task<Ok<ModelSnapshot[]>> ListAsync(ClaimsPrincipal principal, IGrainFactory grains)
    {
        var user = await grains.GetGrain<IUserGrain>(Caller.From(principal).UserId).GetAsync();
        var models = await Task.WhenAll((user?.ModelIds ?? []).Reverse().Select(async modelId =>
        {
            try
            {
                return await grains.GetGrain<IModelGrain>(modelId).GetAsync();
            }
            catch (Errors.ModelUploadsException exception) when (exception.Kind == Errors.ProblemKind.NotFound)
            {
                // The user grain records an id before it creates the model, so a crash in between leaves an id without one.
                return null;
            }
        }));
        return TypedResults.Ok(models.OfType<ModelSnapshot>().ToArray());
    }

    private static async Task<Ok<ModelSnapshot>> GetAsync(string modelId, ClaimsPrincipal principal, IGrainFactory grains) =>
        TypedResults.Ok(await ModelAccess.ReadAsync(grains, Caller.From(principal), modelId));

    /// <summary>
    /// Takes a multipart form with a `file` part (the pickle) and a
    /// `python_version` part. The file is streamed to the store; it is kept only
    /// if every check passes and the model accepts it.
    /// </summary>
    private static async Task<Accepted<UploadReceipt>> UploadAsync(
        string modelId, HttpRequest request, ClaimsPrincipal principal, IGrainFactory grains, PickleStore store, CancellationToken cancellationToken)
    {
        // Checked before any byte is read, so a disabled model's upload is rejected without being streamed.
        var snapshot = await ModelAccess.ChangeAsync(grains, Caller.From(principal), modelId);
        if (snapshot.Disabled)
        {
            throw Errors.ModelUploadsException.ModelDisabled(snapshot.Name, snapshot.DisabledReason ?? "");
        }

        var model = grains.GetGrain<IModelGrain>(modelId);

        var boundary = MultipartBoundary(request.ContentType);
        var reader = new MultipartReader(boundary, request.Body, PickleStore.BufferBytes);
        StagedUpload? staged = null;
        string? fileName = null;
        string? pythonVersion = null;
        IReadOnlyList<string> modules = [];
        try
        {
            while (await reader.ReadNextSectionAsync(cancellationToken) is { } section)
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition))
                {
                    throw Problems.Problems.Invalid("Invalid multipart upload", "A part of the form has no Content-Disposition header; send the form as multipart/form-data.");
                }

                var name = HeaderUtilities.RemoveQuotes(disposition.Name).Value;
                if (disposition.IsFileDisposition() && name == "file")
                {
                    if (staged is not null)
                    {
                        throw Problems.Problems.Invalid("Invalid multipart upload", "The form has more than one 'file' part; send exactly one pickle.");
                    }

                    fileName = SafeFileName(HeaderUtilities.RemoveQuotes(disposition.FileName).Value);
                    staged = await store.StageAsync(section.Body, cancellationToken);
                }
                else if (name == "python_version")
                {
                    pythonVersion = NormalizePythonVersion(await ReadFieldAsync(section.Body, cancellationToken));
                }
            }

            if (staged is null || fileName is null)
            {
                throw Problems.Problems.Invalid("Missing file", "The form has no 'file' part. Send the pickle as a file part named 'file'.");
            }

            if (string.IsNullOrEmpty(pythonVersion))
            {
                throw Problems.Problems.Invalid(
                    "Missing Python version",
                    "The form has no 'python_version' part. Send the Python version the pickle was made with, for example 3.11.");
            }

            var headerProblem = PickleHeader.Check(staged.Head, staged.Last, staged.SizeBytes, fileName);
            if (headerProblem is not null)
            {
                throw Problems.Problems.Invalid("Invalid pickle", headerProblem);
            }

            modules = ScanModules(staged, fileName);
            await model.CheckUploadAllowedAsync(pythonVersion, modules);
        }
        catch
        {
            if (staged is not null)
            {
                PickleStore.Discard(staged);
            }

            throw;
        }

        var stored = store.Commit(staged);
        try
        {
            var pickle = new PickleReference(stored.Sha256, stored.SizeBytes, fileName, pythonVersion, DateTimeOffset.UtcNow, modules);
            var receipt = await model.SetUploadAsync(pickle);
            return TypedResults.Accepted($"/api/models/{modelId}", receipt);
        }
        catch when (stored.CreatedFile)
        {
            // Nothing may stay stored for a rejected upload; a file that was there before is another upload's.
            File.Delete(stored.Path);
            throw;
        }
    }

    private static async Task<FileStreamHttpResult> DownloadUploadAsync(
        string modelId, ClaimsPrincipal principal, IGrainFactory grains, PickleStore store)
    {
        var model = await ModelAccess.ReadAsync(grains, Caller.From(principal), modelId);
        if (model.Upload is not { } upload)
        {
            throw new Errors.ModelUploadsException(Errors.ProblemKind.NotFound, "No upload", $"Model '{model.Name}' has no uploaded pickle.");
        }

        return TypedResults.File(store.Open(upload.Sha256), "application/octet-stream", upload.FileName);
    }

    private static async Task<Ok<ModelSnapshot>> RemoveUploadAsync(string modelId, ClaimsPrincipal principal, IGrainFactory grains)
    {
        await ModelAccess.ChangeAsync(grains, Caller.From(principal), modelId);
        return TypedResults.Ok(await grains.GetGrain<IModelGrain>(modelId).RemoveUploadAsync());
    }

    /// <summary>
    /// Walks the pickle's opcodes, without executing them, for the top-level modules it
    /// imports; a file that is not a valid pickle is rejected with the scanner's reason.
    /// </summary>
    internal static string[] ScanModules(StagedUpload staged, string fileName)
    {
        PickleScan scan;
        using (var file = File.OpenRead(staged.TemporaryPath))
        {
            scan = PickleScanner.Scan(file, staged.SizeBytes);
        }

        if (scan.Error is not null)
        {
            throw Problems.Problems.Invalid("Invalid pickle", $"The file '{fileName}' is not a valid pickle: {scan.Error}");
        }

        // NOTE: modules that cloudpickle loads through its subimport helper (a module used as
        // a global, such as `np`) are passed as plain strings, so the scan does not list them.
        return scan.Modules.Select(m => m.Split('.')[0]).Distinct(StringComparer.Ordinal).ToArray();
    }

    private static async Task<Ok<ModelSnapshot>> SetComputeAsync(
        string modelId, ComputeRequest request, ClaimsPrincipal principal, IGrainFactory grains)
    {
        await ModelAccess.ChangeAsync(grains, Caller.From(principal), modelId);
        return TypedResults.Ok(await grains.GetGrain<IModelGrain>(modelId).SetComputeEnabledAsync(request.Enabled));
    }

    private static async Task<Accepted<TriggerResponse>> TriggerAsync(string modelId, ClaimsPrincipal principal, IGrainFactory grains)
    {
        await ModelAccess.ChangeAsync(grains, Caller.From(principal), modelId);
        var runId = await grains.GetGrain<IModelGrain>(modelId).TriggerAsync();
        return TypedResults.Accepted($"/api/runs/{runId}", new TriggerResponse(runId));
    }

    /// <summary>Disables a model of any owner, who then reads the reason on the model and in every rejection.</summary>
    private static async Task<Ok<ModelSnapshot>> DisableAsync(string modelId, DisableModelRequest? request, IGrainFactory grains)
    {
        if (string.IsNullOrWhiteSpace(request?.Reason))
        {
            throw Problems.Problems.Invalid(
                "Missing reason",
                "Send {\"reason\": \"...\"} with why the model is disabled; its owner sees the reason on the model.");
        }

        return TypedResults.Ok(await grains.GetGrain<IModelGrain>(modelId).DisableAsync(request.Reason));
    }

    private static async Task<Ok<RunSnapshot[]>> ListRunsAsync(string modelId, ClaimsPrincipal principal, IGrainFactory grains)
    {
        var model = await ModelAccess.ReadAsync(grains, Caller.From(principal), modelId);
        var runs = await Task.WhenAll(model.RunIds.Select(id => grains.GetGrain<IRunGrain>(id).GetAsync()));
        return TypedResults.Ok(runs.OfType<RunSnapshot>().ToArray());
    }

    /// <summary>The diagnostics of the current upload's validation run: per-era correlations and the summary.</summary>
    private static async Task<Ok<ValidationDiagnostics>> GetDiagnosticsAsync(string modelId, ClaimsPrincipal principal, IGrainFactory grains)
    {
        var model = await ModelAccess.ReadAsync(grains, Caller.From(principal), modelId);
        if (model.ValidationRunId is not { } runId || await grains.GetGrain<IRunGrain>(runId).GetAsync() is not { } run)
        {
            throw new Errors.ModelUploadsException(
                Errors.ProblemKind.NotFound,
                "No diagnostics",
                $"Model '{model.Name}' has no validation run. Diagnostics come from running an upload on the validation data, which an administrator stages with POST /api/validation.");
        }

        return run.Diagnostics is { } diagnostics
            ? TypedResults.Ok(diagnostics)
            : throw new Errors.ModelUploadsException(
                Errors.ProblemKind.Conflict,
                "Diagnostics not ready",
                $"The validation run '{runId}' is {run.Status}: {run.Description} Diagnostics exist once it reaches Success.");
    }

    /// <summary>
    /// Takes predictions as an `id,prediction` CSV, either as the request body or as the
    /// `file` part of a multipart form, for a model without an upload.
    /// </summary>
    private static async Task<Created<SubmissionInfo>> SubmitAsync(
        string modelId,
        HttpRequest request,
        ClaimsPrincipal principal,
        IGrainFactory grains,
        Microsoft.Extensions.Options.IOptions<GatewayOptions> options,
        CancellationToken cancellationToken)
    {
        await ModelAccess.ChangeAsync(grains, Caller.From(principal), modelId);
        var model = grains.GetGrain<IModelGrain>(modelId);

        var directory = Path.Combine(options.Value.Root, "submissions", "incoming");
        Directory.CreateDirectory(directory);
        var temporary = Path.Combine(directory, $"{Guid.NewGuid():N}.csv");
        try
        {
            await using (var file = File.Create(temporary))
            {
                await (await SubmissionBodyAsync(request, cancellationToken)).CopyToAsync(file, cancellationToken);
            }

            var submission = await model.SubmitPredictionsAsync(temporary);
            return TypedResults.Created($"/api/models/{modelId}/submissions/{submission.Round}", submission);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    private static async Task<Stream> SubmissionBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentType?.StartsWith("multipart/", StringComparison.OrdinalIgnoreCase) != true)
        {
            return request.Body;
        }

        var reader = new MultipartReader(MultipartBoundary(request.ContentType), request.Body);
        while (await reader.ReadNextSectionAsync(cancellationToken) is { } section)
        {
            if (ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition) && disposition.IsFileDisposition())
            {
                return section.Body;
            }
        }

        throw Problems.Problems.Invalid("Missing file", "The form has no file part. Send the CSV as the request body or as a file part named 'file'.");
    }

    private static async Task<Results<FileStreamHttpResult, NotFound<ProblemDetails>>> GetSubmissionAsync(
        string modelId, int round, ClaimsPrincipal principal, IGrainFactory grains)
    {
        var model = await ModelAccess.ReadAsync(grains, Caller.From(principal), modelId);
        if (!model.Submissions.TryGetValue(round, out var submission) || !File.Exists(submission.FilePath))
        {
            return TypedResults.NotFound(new ProblemDetails
            {
                Status = StatusCodes.Status404NotFound,
                Title = "Submission not found",
                Detail = $"Model '{model.Name}' has no submission for round {round}. List its runs with GET /api/models/{modelId}/runs.",
            });
        }

        return TypedResults.File(File.OpenRead(submission.FilePath), "text/csv", $"{modelId}-round-{round}.csv");
    }

    private static string MultipartBoundary(string? contentType)
    {
        if (!MediaTypeHeaderValue.TryParse(contentType, out var mediaType)
            || !mediaType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
        {
            throw Problems.Problems.Invalid(
                "Not a multipart upload",
                $"The request has content type '{contentType}'; send multipart/form-data with a 'file' part and a 'python_version' part.");
        }

        var boundary = HeaderUtilities.RemoveQuotes(mediaType.Boundary).Value;
        if (string.IsNullOrWhiteSpace(boundary) || boundary.Length > 200)
        {
            throw Problems.Problems.Invalid("Invalid multipart upload", "The multipart/form-data content type has no valid boundary.");
        }

        return boundary;
    }

    private static async Task<string> ReadFieldAsync(Stream body, CancellationToken cancellationToken)
    {
        var buffer = new char[MaxFieldLength + 1];
        using var reader = new StreamReader(body);
        var length = await reader.ReadBlockAsync(buffer, cancellationToken);
        if (length > MaxFieldLength)
        {
            throw Problems.Problems.Invalid("Invalid form field", $"A form field is longer than {MaxFieldLength} characters.");
        }

        return new string(buffer, 0, length).Trim();
    }

    /// <summary>Accepts "3.11", "Python 3.11", "python3.11" and "py3.11" as the version "3.11".</summary>
    internal static string NormalizePythonVersion(string value)
    {
        var text = value.Trim();
        foreach (var prefix in new[] { "python", "py" })
        {
            if (text.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                text = text[prefix.Length..].Trim();
                break;
            }
        }

        return text;
    }

    /// <summary>Reduces a client's file name to a safe base name for display.</summary>
    internal static string SafeFileName(string? fileName)
    {
        var baseName = Path.GetFileName((fileName ?? "").Replace('\\', '/'));
        var safe = new string(baseName.Where(c => char.IsLetterOrDigit(c) || c is '.' or '-' or '_').Take(100).ToArray());
        return safe.Length == 0 || safe.All(c => c == '.') ? "model.pkl" : safe;
    }
}
