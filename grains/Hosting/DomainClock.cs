namespace ModelUploads.Hosting;

/// <summary>
/// The key of the <see cref="TimeProvider"/> the grains read the platform's time
/// from: round opening, retries, run timelines. It is a keyed service so that
/// tests can replace it with a fake clock without touching the TimeProvider
/// that Orleans itself uses for timers and reminders.
/// </summary>
public static class DomainClock
{
    public const string Key = "modeluploads";
}
