namespace Pipeline.Grains.Batching;

/// <summary>What happened to a record on its way in; stored with it and counted.</summary>
[Flags]
public enum LogRecordFlags : byte
{
    None = 0,

    /// <summary>The line was longer than the maximum and was cut.</summary>
    Truncated = 1,

    /// <summary>The line was neither docker JSON nor CRI; its raw text is the message.</summary>
    Unparsed = 2,

    /// <summary>The line held invalid UTF-8, replaced by U+FFFD.</summary>
    Utf8Repaired = 4,

    /// <summary>The record was joined from several pieces (CRI P/F, docker 16 KiB splits).</summary>
    Joined = 8,

    /// <summary>A partial line was flushed without its final piece (timeout or end of file).</summary>
    Incomplete = 16,
}
