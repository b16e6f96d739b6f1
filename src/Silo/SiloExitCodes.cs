namespace Pipeline.Silo;

/// <summary>The silo process's exit statuses (docs/OPERATIONS.md), so scripts and Kubernetes events tell causes apart.</summary>
public static class SiloExitCodes
{
    /// <summary>Stopped (SIGTERM, <c>exit_on_eof</c>) or <c>--help</c>.</summary>
    public const int Stopped = 0;

    /// <summary>The silo could not start for another reason (the log above says which).</summary>
    public const int StartFailed = 1;

    /// <summary>The command line or the pipeline file is wrong; the message names the option, or the key and its line.</summary>
    public const int BadConfiguration = 2;

    /// <summary>A port the silo listens on is taken or not allowed; the message names it and the option to change.</summary>
    public const int AddressUnavailable = 3;
}
