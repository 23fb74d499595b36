using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using ModelUploads.Errors;
using ModelUploads.Storage;

namespace ModelUploads.Gateway.Uploads;

/// <summary>
/// Streams uploads into the content-addressed store: bytes go to a temporary
/// file while their SHA-256 is computed, and the file is then renamed to its
/// digest. No upload is held whole in memory.
/// </summary>
internal sealed class PickleStore(IOptions<GatewayOptions> options)
{
    private const int HeadLength = 16;

    /// <summary>
    /// Bytes read from the request and written to the file at a time. Larger reads cut the
    /// per-read cost of the multipart parser, the hash and the file writes. Measured with
    /// `MODELUPLOADS_BENCH_ONLY=upload bench/run.sh` on 2 cores, a 1 GiB upload took 1.86 s with
    /// ASP.NET Core's default 4 KiB multipart buffer and 64 KiB writes, and 1.55 s with this size for both.
    /// </summary>
    public const int BufferBytes = 1 << 18;

    public long MaxBytes => options.Value.MaxPickleBytes;

    public async Task<StagedUpload> StageAsync(Stream body, CancellationToken cancellationToken)
    {
        var directory = StoreLayout.UploadTempDirectory(options.Value.Root);
        Directory.CreateDirectory(directory);
        File.SetUnixFileMode(System.IO.Path.GetDirectoryName(directory)!, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var temporary = Path.Combine(directory, $"{Guid.NewGuid():N}.partial");

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var head = new byte[HeadLength];
        var headLength = 0;
        byte last = 0;
        long size = 0;
        try
        {
            // Each write is up to the buffer's size, so the FileStream buffers nothing of its own (bufferSize 0).
            await using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0, useAsync: true))
            {
                var buffer = new byte[BufferBytes];
                int read;
                while ((read = await body.ReadAsync(buffer, cancellationToken)) > 0)
                {
                    size += read;
                    if (size > MaxBytes)
                    {
                        throw new ModelUploadsException(
                            ProblemKind.Invalid,
                            "Pickle too large",
                            $"The upload is larger than the limit of {MaxBytes} bytes. Make the model smaller, for example with fewer trees.");
                    }

                    var toHead = Math.Min(read, HeadLength - headLength);
                    buffer.AsSpan(0, toHead).CopyTo(head.AsSpan(headLength));
                    headLength += toHead;
                    last = buffer[read - 1];
                    hash.AppendData(buffer, 0, read);
                    await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                }

                await file.FlushAsync(cancellationToken);
            }

            return new StagedUpload(temporary, Convert.ToHexStringLower(hash.GetHashAndReset()), size, head[..headLength], last);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    /// <summary>Renames a staged upload to its digest; an identical file already there is kept.</summary>
    public StoredUpload Commit(StagedUpload staged)
    {
        var path = StoreLayout.PicklePath(options.Value.Root, staged.Sha256);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        if (File.Exists(path))
        {
            File.Delete(staged.TemporaryPath);
            return new StoredUpload(path, staged.Sha256, staged.SizeBytes, CreatedFile: false);
        }

        // The file is world-readable because the sandbox user reads it through a bind mount, but
        // the store folder is closed to other host users, so on the host only its owner reaches it.
        File.SetUnixFileMode(staged.TemporaryPath, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        File.Move(staged.TemporaryPath, path);
        return new StoredUpload(path, staged.Sha256, staged.SizeBytes, CreatedFile: true);
    }

    public FileStream Open(string sha256) => File.OpenRead(StoreLayout.PicklePath(options.Value.Root, sha256));

    public static void Discard(StagedUpload staged) => File.Delete(staged.TemporaryPath);
}
