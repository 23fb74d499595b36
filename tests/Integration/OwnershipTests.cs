using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using ModelUploads.Models;
using ModelUploads.Runs;
using ModelUploads.Tests.Infrastructure;

namespace ModelUploads.Tests.Integration;

/// <summary>
/// Each user reads only their own models and runs on the real silo process. A request for
/// another user's model or run gets the same 404 as an id that does not exist. Administrators
/// disable models and deactivate accounts, and the owner reads the reason on each model.
/// </summary>
public sealed class OwnershipTests(ApiSiloFixture fixture) : IClassFixture<ApiSiloFixture>
{
    private const string MissingModelId = "model-0000000000000000";
    private const string MissingRunId = "run-00000000000000000000000000000000";

    [Fact]
    public async Task OtherUserGets404OnEverythingOfOwner()
    {
        // Given an owner whose model ran to Success on the live round and on the validation data
        var owner = await fixture.CreateUserAsync("owner");
        var stranger = await fixture.CreateUserAsync("stranger");
        using var ownerClient = fixture.Client(owner);
        using var strangerClient = fixture.Client(stranger);
        var modelId = await CreateModelAsync(ownerClient, "owned");
        using var upload = await ownerClient.PostAsync($"/api/models/{modelId}/upload", await UploadFormAsync());
        Assert.True(upload.StatusCode == HttpStatusCode.Accepted, await upload.Content.ReadAsStringAsync());
        var receipt = (await upload.Content.ReadFromJsonAsync<UploadReceipt>(ApiSiloFixture.Json))!;
        var run = await WaitForEndAsync(ownerClient, receipt.LiveRunId!);
        var validationRun = await WaitForEndAsync(ownerClient, receipt.ValidationRunId!);
        Assert.True(run.Status == RunStatus.Success, $"live run {run.Status}: {run.Description}");
        Assert.True(validationRun.Status == RunStatus.Success, $"validation run {validationRun.Status}: {validationRun.Description}");
        var before = await ownerClient.GetFromJsonAsync<ModelSnapshot>($"/api/models/{modelId}", ApiSiloFixture.Json);

        var requests = new (HttpMethod Method, string Path, Func<Task<HttpContent?>> Content)[]
        {
            (HttpMethod.Get, "/api/models/{model}", NoContent),
            (HttpMethod.Get, "/api/models/{model}/runs", NoContent),
            (HttpMethod.Get, "/api/models/{model}/upload", NoContent),
            (HttpMethod.Get, "/api/models/{model}/diagnostics", NoContent),
            (HttpMethod.Get, $"/api/models/{{model}}/submissions/{run.Round}", NoContent),
            (HttpMethod.Post, "/api/models/{model}/upload", async () => await UploadFormAsync()),
            (HttpMethod.Delete, "/api/models/{model}/upload", NoContent),
            (HttpMethod.Put, "/api/models/{model}/compute", () => Task.FromResult<HttpContent?>(JsonContent.Create(new { enabled = true }))),
            (HttpMethod.Post, "/api/models/{model}/trigger", NoContent),
            (HttpMethod.Post, "/api/models/{model}/submissions", () => Task.FromResult<HttpContent?>(new StringContent("id,prediction\n", null, "text/csv"))),
            (HttpMethod.Get, "/api/runs/{run}", NoContent),
            (HttpMethod.Get, "/api/runs/{run}/log", NoContent),
            (HttpMethod.Get, "/api/runs/{run}/inputs.tar", NoContent),
            (HttpMethod.Get, "/api/runs/{validationRun}", NoContent),
        };

        foreach (var (method, template, content) in requests)
        {
            // When the stranger sends the request for the owner's model or run, and for an id that does not exist
            var path = template.Replace("{model}", modelId).Replace("{run}", run.RunId).Replace("{validationRun}", validationRun.RunId);
            var missingPath = template.Replace("{model}", MissingModelId).Replace("{run}", MissingRunId).Replace("{validationRun}", MissingRunId);
            using var response = await SendAsync(strangerClient, method, path, await content());
            using var missing = await SendAsync(strangerClient, method, missingPath, await content());

            // Then both get 404 with the same problem, apart from the id
            var text = await response.Content.ReadAsStringAsync();
            var missingText = await missing.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{method} {path}: {response.StatusCode}: {text}");
            Assert.True(missing.StatusCode == HttpStatusCode.NotFound, $"{method} {missingPath}: {missing.StatusCode}: {missingText}");
            var problem = JsonSerializer.Deserialize<JsonElement>(text);
            var missingProblem = JsonSerializer.Deserialize<JsonElement>(missingText);
            var expectedDetail = missingProblem.GetProperty("detail").GetString()!
                .Replace(MissingModelId, modelId).Replace(MissingRunId, path.Contains(validationRun.RunId, StringComparison.Ordinal) ? validationRun.RunId : run.RunId);
            Assert.Equal(missingProblem.GetProperty("title").GetString(), problem.GetProperty("title").GetString());
            Assert.Equal(expectedDetail, problem.GetProperty("detail").GetString());
            Assert.Equal(missing.Content.Headers.ContentType?.MediaType, response.Content.Headers.ContentType?.MediaType);
        }

        // And the stranger's list does not show the model, while the owner's model is unchanged
        var strangerModels = await strangerClient.GetFromJsonAsync<ModelSnapshot[]>("/api/models", ApiSiloFixture.Json);
        Assert.DoesNotContain(strangerModels!, m => m.ModelId == modelId);
        var after = await ownerClient.GetFromJsonAsync<ModelSnapshot>($"/api/models/{modelId}", ApiSiloFixture.Json);
        Assert.Equal(before!.Upload!.Sha256, after!.Upload?.Sha256);
        Assert.Equal(before.RunIds, after.RunIds);
        Assert.False(after.ComputeEnabled, "the stranger's PUT compute changed the owner's model");
        Assert.Equal(owner.UserId, after.Owner);

        // And the owner still gets every one of them
        foreach (var path in new[]
        {
            $"/api/models/{modelId}/runs", $"/api/models/{modelId}/upload", $"/api/models/{modelId}/diagnostics",
            $"/api/models/{modelId}/submissions/{run.Round}", $"/api/runs/{run.RunId}/log", $"/api/runs/{run.RunId}/inputs.tar",
        })
        {
            using var response = await ownerClient.GetAsync(path);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"owner GET {path}: {response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
    }

    [Fact]
    public async Task ModelListShowsOwnModelsNewestFirst()
    {
        // Given two users with models of their own
        var first = await fixture.CreateUserAsync("first-lister");
        var second = await fixture.CreateUserAsync("second-lister");
        using var firstClient = fixture.Client(first);
        using var secondClient = fixture.Client(second);
        var older = await CreateModelAsync(firstClient, "older");
        var newer = await CreateModelAsync(firstClient, "newer");
        var others = await CreateModelAsync(secondClient, "others");

        // When each lists their models
        var firstModels = await firstClient.GetFromJsonAsync<ModelSnapshot[]>("/api/models", ApiSiloFixture.Json);
        var secondModels = await secondClient.GetFromJsonAsync<ModelSnapshot[]>("/api/models", ApiSiloFixture.Json);

        // Then each list contains only the user's own models, newest first, with the user as the owner
        Assert.Equal([newer, older], firstModels!.Select(m => m.ModelId).ToArray());
        Assert.Equal([others], secondModels!.Select(m => m.ModelId).ToArray());
        Assert.All(firstModels!, m => Assert.Equal(first.UserId, m.Owner));
    }

    [Fact]
    public async Task AdministratorReadsButDoesNotChangeOthersModel()
    {
        // Given a user's model
        var owner = await fixture.CreateUserAsync("read-by-administrator");
        using var ownerClient = fixture.Client(owner);
        var modelId = await CreateModelAsync(ownerClient, "watched");
        using var administrator = fixture.Client(fixture.Administrator);

        // When an administrator reads it and tries to change it
        using var read = await administrator.GetAsync($"/api/models/{modelId}");
        using var change = await administrator.PutAsJsonAsync($"/api/models/{modelId}/compute", new { enabled = true });

        // Then the read succeeds and the change is forbidden, naming the way an administrator acts on it
        Assert.True(read.StatusCode == HttpStatusCode.OK, $"{read.StatusCode}: {await read.Content.ReadAsStringAsync()}");
        var text = await change.Content.ReadAsStringAsync();
        Assert.True(change.StatusCode == HttpStatusCode.Forbidden, $"{change.StatusCode}: {text}");
        Assert.Contains($"POST /api/models/{modelId}/disable", text, StringComparison.Ordinal);
        var model = await ownerClient.GetFromJsonAsync<ModelSnapshot>($"/api/models/{modelId}", ApiSiloFixture.Json);
        Assert.False(model!.ComputeEnabled, "the administrator's PUT compute changed the model");
    }

    [Fact]
    public async Task DisabledModelRejectsChangesWithReason()
    {
        // Given a user's model with an upload
        const string Reason = "The model sends predictions copied from another user.";
        var owner = await fixture.CreateUserAsync("disabled-owner");
        using var ownerClient = fixture.Client(owner);
        var modelId = await CreateModelAsync(ownerClient, "to-disable");
        using (var upload = await ownerClient.PostAsync($"/api/models/{modelId}/upload", await UploadFormAsync()))
        {
            Assert.True(upload.StatusCode == HttpStatusCode.Accepted, await upload.Content.ReadAsStringAsync());
            var receipt = (await upload.Content.ReadFromJsonAsync<UploadReceipt>(ApiSiloFixture.Json))!;
            await WaitForEndAsync(ownerClient, receipt.LiveRunId!);
        }

        // When an administrator disables it, first without a reason
        using var administrator = fixture.Client(fixture.Administrator);
        using var withoutReason = await administrator.PostAsJsonAsync($"/api/models/{modelId}/disable", new { });
        using var disable = await administrator.PostAsJsonAsync($"/api/models/{modelId}/disable", new { reason = Reason });

        // Then a reason is required, and the owner sees that the model is disabled and why
        Assert.True(withoutReason.StatusCode == HttpStatusCode.BadRequest, $"{withoutReason.StatusCode}: {await withoutReason.Content.ReadAsStringAsync()}");
        Assert.True(disable.StatusCode == HttpStatusCode.OK, $"{disable.StatusCode}: {await disable.Content.ReadAsStringAsync()}");
        var model = await ownerClient.GetFromJsonAsync<ModelSnapshot>($"/api/models/{modelId}", ApiSiloFixture.Json);
        Assert.True(model!.Disabled, "the model is not disabled");
        Assert.Equal(Reason, model.DisabledReason);
        Assert.NotNull(model.DisabledAt);

        // And an upload, a trigger and an API submission get 409 with the reason
        using var upload2 = await ownerClient.PostAsync($"/api/models/{modelId}/upload", await UploadFormAsync());
        using var trigger = await ownerClient.PostAsync($"/api/models/{modelId}/trigger", content: null);
        using var submission = await ownerClient.PostAsync($"/api/models/{modelId}/submissions", new StringContent("id,prediction\n", null, "text/csv"));
        foreach (var (name, response) in new[] { ("upload", upload2), ("trigger", trigger), ("submission", submission) })
        {
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.Conflict, $"{name}: {response.StatusCode}: {text}");
            Assert.Contains("was disabled by an administrator", text, StringComparison.Ordinal);
            Assert.Contains(Reason, text, StringComparison.Ordinal);
        }

        var runs = await ownerClient.GetFromJsonAsync<ModelSnapshot>($"/api/models/{modelId}", ApiSiloFixture.Json);
        Assert.Equal(model.RunIds, runs!.RunIds);
    }

    [Fact]
    public async Task DeactivatedUsersModelsAreDisabledWithReason()
    {
        // Given a user with two models
        const string Reason = "Repeated uploads of hostile pickles.";
        var user = await fixture.CreateUserAsync("to-deactivate");
        using var client = fixture.Client(user);
        var first = await CreateModelAsync(client, "first");
        var second = await CreateModelAsync(client, "second");

        // When an administrator deactivates the account
        using var administrator = fixture.Client(fixture.Administrator);
        using var deactivate = await administrator.PostAsJsonAsync($"/api/users/{user.UserId}/deactivate", new { reason = Reason });
        var text = await deactivate.Content.ReadAsStringAsync();
        Assert.True(deactivate.StatusCode == HttpStatusCode.OK, $"{deactivate.StatusCode}: {text}");

        // Then the account is inactive and the owner sees each model disabled with the reason
        var account = JsonSerializer.Deserialize<JsonElement>(text);
        Assert.False(account.GetProperty("active").GetBoolean(), text);
        Assert.Equal(Reason, account.GetProperty("deactivationReason").GetString());
        foreach (var modelId in new[] { first, second })
        {
            var model = await client.GetFromJsonAsync<ModelSnapshot>($"/api/models/{modelId}", ApiSiloFixture.Json);
            Assert.True(model!.Disabled, $"model {modelId} is not disabled");
            Assert.Equal($"The account was deactivated: {Reason}", model.DisabledReason);
        }

        // And the account creates no models, and its models take no uploads
        using var create = await client.PostAsJsonAsync("/api/models", new { name = "after" });
        var createText = await create.Content.ReadAsStringAsync();
        Assert.True(create.StatusCode == HttpStatusCode.Forbidden, $"{create.StatusCode}: {createText}");
        Assert.Contains(Reason, createText, StringComparison.Ordinal);
        using var upload = await client.PostAsync($"/api/models/{first}/upload", await UploadFormAsync());
        var uploadText = await upload.Content.ReadAsStringAsync();
        Assert.True(upload.StatusCode == HttpStatusCode.Conflict, $"{upload.StatusCode}: {uploadText}");
        Assert.Contains(Reason, uploadText, StringComparison.Ordinal);
        var models = await client.GetFromJsonAsync<ModelSnapshot[]>("/api/models", ApiSiloFixture.Json);
        Assert.Equal([second, first], models!.Select(m => m.ModelId).ToArray());
    }

    private static Task<HttpContent?> NoContent() => Task.FromResult<HttpContent?>(null);

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string path, HttpContent? content)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        return await client.SendAsync(request);
    }

    private static async Task<string> CreateModelAsync(HttpClient client, string name)
    {
        using var response = await client.PostAsJsonAsync("/api/models", new { name });
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<ModelSnapshot>(ApiSiloFixture.Json))!.ModelId;
    }

    private static async Task<MultipartFormDataContent> UploadFormAsync()
    {
        var file = new ByteArrayContent(await File.ReadAllBytesAsync(await TestPickles.PathAsync("rank_mean.pkl")));
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        return new MultipartFormDataContent
        {
            { new StringContent(TestEnvironment.DefaultPython), "python_version" },
            { file, "file", "rank_mean.pkl" },
        };
    }

    private static async Task<RunSnapshot> WaitForEndAsync(HttpClient client, string runId)
    {
        var stopAt = DateTime.UtcNow + TimeSpan.FromMinutes(3);
        RunSnapshot? run = null;
        while (DateTime.UtcNow < stopAt)
        {
            run = await client.GetFromJsonAsync<RunSnapshot>($"/api/runs/{runId}", ApiSiloFixture.Json);
            if (run!.IsTerminal)
            {
                return run;
            }

            await Task.Delay(250);
        }

        throw new TimeoutException($"run {runId} did not end; last status {run?.Status}: {run?.Description}");
    }
}
