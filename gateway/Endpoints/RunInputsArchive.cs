using System.Formats.Tar;
using ModelUploads.Rounds;
using ModelUploads.Runs;
using ModelUploads.Storage;

namespace ModelUploads.Gateway.Endpoints;

/// <summary>
/// Streams a run's inputs as a tar archive whose `input/` folder is laid out as
/// the sandbox saw /input, so a user can rerun the same runner on the same files.
/// </summary>
internal static class RunInputsArchive
{
    public static async Task WriteAsync(Stream destination, RunSnapshot run, string storageRoot, IGrainFactory grains, CancellationToken cancellationToken)
    {
        await using var tar = new TarWriter(destination, TarEntryFormat.Pax, leaveOpen: true);
        await tar.WriteEntryAsync(StoreLayout.PicklePath(storageRoot, run.PickleSha256), "input/model.pkl", cancellationToken);

        if (run.Kind == RunKind.Live)
        {
            var round = await grains.GetGrain<IRoundsGrain>(0).GetAsync(run.Round)
                ?? throw Errors.ModelUploadsException.NotFound("Round", run.Round.ToString(System.Globalization.CultureInfo.InvariantCulture));
            foreach (var name in new[] { "features.npy", "features.json" })
            {
                await tar.WriteEntryAsync(Path.Combine(round.StagedDirectory, name), $"input/{name}", cancellationToken);
            }

            return;
        }

        var validation = await grains.GetGrain<IValidationDataGrain>(0).GetAsync()
            ?? throw new Errors.ModelUploadsException(Errors.ProblemKind.NotFound, "No validation data", "No validation data is staged any more.");
        var chunks = Path.Combine(validation.StagedDirectory, "chunks");
        foreach (var file in Directory.GetFiles(chunks, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            await tar.WriteEntryAsync(file, "input/chunks/" + Path.GetRelativePath(chunks, file).Replace('\\', '/'), cancellationToken);
        }
    }
}
