using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ModelUploads.Tests.Infrastructure;

namespace ModelUploads.Tests.Integration;

/// <summary>
/// The GraphQL operations, arguments and selections that numerapi sends for model_upload,
/// model_upload_docker_images, model_upload_data_versions and get_models, against the real silo process.
/// </summary>
public sealed class NumerapiGraphQlTests(ApiSiloFixture fixture) : IClassFixture<ApiSiloFixture>
{
    private const string GetModelsQuery = """
        query {
          account {
            models {
              id
              name
              tournament
            }
          }
        }
        """;

    private const string DockerImagesQuery = """
        query {
            computePickleDockerImages {
                name
                id
            }
        }
        """;

    private const string DataVersionsQuery = """
        query {
            computePickleDataVersions {
                name
                id
            }
        }
        """;

    private const string UploadAuthQuery = """
        query($filename: String! $modelId: String) {
            computePickleUploadAuth(filename: $filename
                                    modelId: $modelId) {
                filename
                url
            }
        }
        """;

    private const string CreateUploadMutation = """
        mutation($filename: String!
                 $tournament: Int!
                 $modelId: String
                 $dataVersionId: String
                 $dockerImageId: String) {
            createComputePickleUpload(filename: $filename
                                      tournament: $tournament
                                      modelId: $modelId
                                      dataVersionId: $dataVersionId
                                      dockerImageId: $dockerImageId) {
                id
            }
        }
        """;

    private const string UploadStatusQuery = """
        query {
          account {
            models {
              id
              computePickleUpload {
                filename
                validationStatus
                triggerStatus
                triggers {
                  id
                  status
                  statuses {
                    status
                    description
                    insertedAt
                  }
                }
              }
            }
          }
        }
        """;

    [Fact]
    public async Task ModelUploadRunsToSuccess()
    {
        // Given a user with one model
        var user = await fixture.CreateUserAsync("numerapi-user");
        using var client = fixture.Client(user);
        var modelId = await CreateModelAsync(client, "numerapi-model");

        // When the user lists models, images and data versions as numerapi does
        var models = await DataAsync(client, GetModelsQuery, null);
        var model = models.GetProperty("account").GetProperty("models").EnumerateArray().Single();
        Assert.Equal(modelId, model.GetProperty("id").GetString());
        Assert.Equal("numerapi-model", model.GetProperty("name").GetString());
        Assert.Equal(8, model.GetProperty("tournament").GetInt32());

        var images = (await DataAsync(client, DockerImagesQuery, null)).GetProperty("computePickleDockerImages")
            .EnumerateArray()
            .ToDictionary(image => image.GetProperty("name").GetString()!, image => image.GetProperty("id").GetString()!);
        Assert.True(
            images.TryGetValue($"Python {TestEnvironment.DefaultPython}", out var imageId),
            $"images: {string.Join(", ", images.Keys)}");
        Assert.Equal(TestEnvironment.DefaultPython, imageId);

        var versions = (await DataAsync(client, DataVersionsQuery, null)).GetProperty("computePickleDataVersions")
            .EnumerateArray()
            .ToDictionary(version => version.GetProperty("name").GetString()!, version => version.GetProperty("id").GetString()!);
        Assert.Equal("v5.0", Assert.Single(versions).Value);

        // And uploads the pickle as model_upload does
        var filename = await PutPickleAsync(client, modelId);
        var created = await DataAsync(client, CreateUploadMutation, new
        {
            filename,
            tournament = 8,
            modelId,
            dataVersionId = versions["v5.0"],
            dockerImageId = imageId,
        });
        var uploadId = created.GetProperty("createComputePickleUpload").GetProperty("id").GetString();
        Assert.False(string.IsNullOrEmpty(uploadId), created.ToString());

        // Then the live run reaches Success, and the upload reads as numerapi reads it
        var upload = await WaitForTriggerEndAsync(client, modelId);
        Assert.True(upload.GetProperty("triggerStatus").GetString() == "success", upload.ToString());
        Assert.Equal("rank_mean.pkl", upload.GetProperty("filename").GetString());
        Assert.True(upload.GetProperty("validationStatus").ValueKind == JsonValueKind.String, upload.ToString());
        var triggers = upload.GetProperty("triggers").EnumerateArray().ToArray();
        Assert.NotEmpty(triggers);
        Assert.Contains(triggers, trigger => trigger.GetProperty("status").GetString() == "success");
        Assert.All(triggers, trigger => Assert.NotEmpty(trigger.GetProperty("statuses").EnumerateArray()));
    }

    [Fact]
    public async Task WrongSecretGetsError()
    {
        // Given a key whose secret is changed
        var user = await fixture.CreateUserAsync("numerapi-wrong-secret");
        var publicId = user.Key.Split('$')[0];
        using var client = fixture.Client(user with { Key = $"{publicId}$not-the-secret" });

        // When numerapi's get_models query is sent with it
        var message = await ErrorAsync(client, GetModelsQuery, null);

        // Then the error names the problem with the key
        Assert.Contains(publicId, message);
    }

    [Fact]
    public async Task UnknownDockerImageGetsError()
    {
        // Given a pickle PUT to an upload address
        var user = await fixture.CreateUserAsync("numerapi-unknown-image");
        using var client = fixture.Client(user);
        var modelId = await CreateModelAsync(client, "unknown-image-model");
        var filename = await PutPickleAsync(client, modelId);

        // When createComputePickleUpload names an image that does not exist
        var message = await ErrorAsync(client, CreateUploadMutation, new
        {
            filename,
            tournament = 8,
            modelId,
            dataVersionId = (string?)null,
            dockerImageId = "Python 2.7",
        });

        // Then the error names the image and the ones that exist
        Assert.Contains("Python 2.7", message);
        Assert.Contains(TestEnvironment.DefaultPython, message);
    }

    [Fact]
    public async Task OtherUsersModelGetsNotFound()
    {
        // Given a model of another user, and an id that no model has
        var owner = await fixture.CreateUserAsync("numerapi-owner");
        using var ownerClient = fixture.Client(owner);
        var ownerModelId = await CreateModelAsync(ownerClient, "owned-model");
        var missingId = Guid.NewGuid().ToString("N");
        var other = await fixture.CreateUserAsync("numerapi-other");
        using var otherClient = fixture.Client(other);

        // When the other user asks for an upload address for each
        var forOwned = await ErrorAsync(otherClient, UploadAuthQuery, new { filename = "model.pkl", modelId = ownerModelId });
        var forMissing = await ErrorAsync(otherClient, UploadAuthQuery, new { filename = "model.pkl", modelId = missingId });

        // Then both get the same not-found message, apart from the id
        Assert.Equal(forMissing.Replace(missingId, "ID"), forOwned.Replace(ownerModelId, "ID"));
        Assert.Contains(ownerModelId, forOwned);
    }

    private static async Task<string> CreateModelAsync(HttpClient client, string name)
    {
        using var created = await client.PostAsJsonAsync("/api/models", new { name });
        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        return (await created.Content.ReadFromJsonAsync<JsonElement>(ApiSiloFixture.Json)).GetProperty("modelId").GetString()!;
    }

    /// <summary>Asks for an upload address and PUTs the pickle to it without a key, as numerapi does; returns the filename.</summary>
    private async Task<string> PutPickleAsync(HttpClient client, string modelId)
    {
        var auth = (await DataAsync(client, UploadAuthQuery, new { filename = "rank_mean.pkl", modelId }))
            .GetProperty("computePickleUploadAuth");
        var url = auth.GetProperty("url").GetString()!;
        Assert.StartsWith(fixture.Silo.Address.ToString().TrimEnd('/'), url);

        using var anonymous = fixture.AnonymousClient();
        using var body = new ByteArrayContent(await File.ReadAllBytesAsync(await TestPickles.PathAsync("rank_mean.pkl")));
        using var put = await anonymous.PutAsync(url, body);
        Assert.True(put.StatusCode == HttpStatusCode.OK, await put.Content.ReadAsStringAsync());
        return auth.GetProperty("filename").GetString()!;
    }

    private static async Task<JsonElement> WaitForTriggerEndAsync(HttpClient client, string modelId)
    {
        var stopAt = DateTime.UtcNow + TimeSpan.FromMinutes(3);
        JsonElement upload = default;
        while (DateTime.UtcNow < stopAt)
        {
            var data = await DataAsync(client, UploadStatusQuery, null);
            upload = data.GetProperty("account").GetProperty("models").EnumerateArray()
                .Single(model => model.GetProperty("id").GetString() == modelId)
                .GetProperty("computePickleUpload");
            if (upload.GetProperty("triggerStatus").GetString() is "success" or "failed" or "error")
            {
                return upload;
            }

            await Task.Delay(250);
        }

        throw new TimeoutException($"the live run of model {modelId} did not end; last upload {upload}");
    }

    private static async Task<JsonDocument> PostAsync(HttpClient client, string query, object? variables)
    {
        using var response = await client.PostAsJsonAsync("/graphql", new { query, variables });
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode}: {text}");
        return JsonDocument.Parse(text);
    }

    private static async Task<JsonElement> DataAsync(HttpClient client, string query, object? variables)
    {
        using var document = await PostAsync(client, query, variables);
        var root = document.RootElement;
        Assert.False(root.TryGetProperty("errors", out _), root.ToString());
        return root.GetProperty("data").Clone();
    }

    private static async Task<string> ErrorAsync(HttpClient client, string query, object? variables)
    {
        using var document = await PostAsync(client, query, variables);
        var root = document.RootElement;
        Assert.True(root.TryGetProperty("errors", out var errors), root.ToString());
        return errors[0].GetProperty("message").GetString()!;
    }
}
