using ModelUploads.Accounts;
using ModelUploads.Errors;
using ModelUploads.Models;
using ModelUploads.Tests.Infrastructure;

namespace ModelUploads.Tests.Integration;

/// <summary>
/// The user and API key grains on a TestCluster. A user's models carry its id as owner,
/// and keys revoke once. Deactivating an account disables each of its models, so that
/// uploads, triggers and submissions get a conflict that gives the reason.
/// </summary>
public sealed class AccountGrainTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    [Fact]
    public async Task UserCreatesModelsItOwns()
    {
        var user = await NewUserAsync();

        var first = await user.CreateModelAsync("first");
        var second = await user.CreateModelAsync("second");

        var snapshot = (await user.GetAsync())!;
        Assert.Equal([first.ModelId, second.ModelId], snapshot.ModelIds);
        Assert.Equal(snapshot.UserId, first.Owner);
        Assert.Equal(snapshot.UserId, (await fixture.Grains.GetGrain<IModelGrain>(second.ModelId).GetAsync()).Owner);
    }

    [Fact]
    public async Task InvalidModelNameLeavesNoModelId()
    {
        var user = await NewUserAsync();

        var rejected = await Assert.ThrowsAsync<ModelUploadsException>(() => user.CreateModelAsync("  "));

        Assert.Equal(ProblemKind.Invalid, rejected.Kind);
        Assert.Empty((await user.GetAsync())!.ModelIds);
    }

    [Fact]
    public async Task UnknownUserIsNullAndCreatesNothing()
    {
        var user = fixture.Grains.GetGrain<IUserGrain>($"user-{Guid.NewGuid():N}");

        var model = await Assert.ThrowsAsync<ModelUploadsException>(() => user.CreateModelAsync("orphan"));
        var key = await Assert.ThrowsAsync<ModelUploadsException>(() => user.AddKeyAsync($"K{Guid.NewGuid():N}", new SecretHash([1], [2], 1)));

        Assert.Null(await user.GetAsync());
        Assert.Equal(ProblemKind.NotFound, model.Kind);
        Assert.Equal(ProblemKind.NotFound, key.Kind);
    }

    [Fact]
    public async Task KeyKeepsHashAndFirstRevocation()
    {
        // Given a user's key
        var user = await NewUserAsync();
        var publicId = $"K{Guid.NewGuid():N}";
        var hash = new SecretHash([1, 2, 3], [4, 5, 6], 1000);
        var created = await user.AddKeyAsync(publicId, hash);
        var key = fixture.Grains.GetGrain<IApiKeyGrain>(publicId);

        // When it is revoked twice and created again
        var revoked = await key.RevokeAsync();
        var again = await key.RevokeAsync();
        var duplicate = await Assert.ThrowsAsync<ModelUploadsException>(() => key.CreateAsync("someone-else", hash));

        // Then it stays revoked from the first time, for its first user, with its hash
        Assert.False(created.Revoked, "a new key is revoked");
        Assert.True(revoked.Revoked, "the key is not revoked");
        Assert.Equal(revoked.RevokedAt, again.RevokedAt);
        Assert.Equal(ProblemKind.Conflict, duplicate.Kind);
        var stored = (await key.GetAsync())!;
        Assert.Equal(created.UserId, stored.UserId);
        Assert.Equal(hash.Salt, stored.SecretHash.Salt);
        Assert.Equal(hash.Hash, stored.SecretHash.Hash);
        Assert.Equal(hash.Iterations, stored.SecretHash.Iterations);
        Assert.Equal([publicId], (await user.GetAsync())!.ApiKeyIds);
    }

    [Fact]
    public async Task DeactivationDisablesModelsWithReason()
    {
        // Given a user with a model that has an upload and one that has none
        const string Reason = "abuse of the sandbox";
        var user = await NewUserAsync();
        var uploaded = fixture.Grains.GetGrain<IModelGrain>((await user.CreateModelAsync("uploaded")).ModelId);
        var receipt = await fixture.UploadToAsync(uploaded, "rank_mean.pkl");
        await fixture.WaitForEndAsync(receipt.LiveRunId!);
        var empty = fixture.Grains.GetGrain<IModelGrain>((await user.CreateModelAsync("empty")).ModelId);
        var runsBefore = (await uploaded.GetAsync()).RunIds;

        // When the account is deactivated
        var account = await user.DeactivateAsync(Reason);

        // Then both models are disabled with the account's reason
        Assert.False(account.Active, "the account is active");
        Assert.Equal(Reason, account.DeactivationReason);
        foreach (var model in new[] { uploaded, empty })
        {
            var snapshot = await model.GetAsync();
            Assert.True(snapshot.Disabled, $"model {snapshot.ModelId} is not disabled");
            Assert.Equal($"The account was deactivated: {Reason}", snapshot.DisabledReason);
        }

        // And uploads, triggers and submissions are rejected with the reason, and the account creates nothing more
        var upload = await Assert.ThrowsAsync<ModelUploadsException>(() => fixture.UploadToAsync(empty, "rank_mean.pkl"));
        var trigger = await Assert.ThrowsAsync<ModelUploadsException>(() => uploaded.TriggerAsync());
        var submission = await Assert.ThrowsAsync<ModelUploadsException>(() => empty.SubmitPredictionsAsync("/nonexistent.csv"));
        foreach (var rejected in new[] { upload, trigger, submission })
        {
            Assert.Equal(ProblemKind.Conflict, rejected.Kind);
            Assert.Contains(Reason, rejected.Message, StringComparison.Ordinal);
        }

        var create = await Assert.ThrowsAsync<ModelUploadsException>(() => user.CreateModelAsync("after"));
        var key = await Assert.ThrowsAsync<ModelUploadsException>(() => user.AddKeyAsync($"K{Guid.NewGuid():N}", new SecretHash([1], [2], 1)));
        Assert.Equal(ProblemKind.Forbidden, create.Kind);
        Assert.Equal(ProblemKind.Conflict, key.Kind);
        Assert.Null((await empty.GetAsync()).Upload);
        Assert.Equal(runsBefore, (await uploaded.GetAsync()).RunIds);
    }

    [Fact]
    public async Task SecondDisableKeepsFirstReason()
    {
        // Given a model an administrator disabled
        var user = await NewUserAsync();
        var model = fixture.Grains.GetGrain<IModelGrain>((await user.CreateModelAsync("twice")).ModelId);
        var first = await model.DisableAsync("first reason");

        // When its account is deactivated, and a blank reason is given
        await user.DeactivateAsync("second reason");
        var blank = await Assert.ThrowsAsync<ModelUploadsException>(() => model.DisableAsync(" "));

        // Then the model keeps the first reason and time
        var snapshot = await model.GetAsync();
        Assert.Equal("first reason", snapshot.DisabledReason);
        Assert.Equal(first.DisabledAt, snapshot.DisabledAt);
        Assert.Equal(ProblemKind.Invalid, blank.Kind);
    }

    private async Task<IUserGrain> NewUserAsync()
    {
        var user = fixture.Grains.GetGrain<IUserGrain>($"user-{Guid.NewGuid():N}");
        await user.CreateAsync("grain-tests", isAdministrator: false);
        return user;
    }
}
