namespace ModelUploads.Tests.Infrastructure;

/// <summary>The loopback ports of one silo process: HTTP, Orleans silo-to-silo, and Orleans gateway.</summary>
internal sealed record SiloPorts(int Http, int Silo, int Gateway)
{
    public static SiloPorts Free() => new(SiloProcess.FreePort(), SiloProcess.FreePort(), SiloProcess.FreePort());
}
