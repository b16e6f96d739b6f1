namespace Pipeline.Grains.Collection.Multiline;

/// <summary>Which built-in rules join a stack trace into one record, or the user's own patterns.</summary>
public enum MultilineMode
{
    /// <summary>Java exceptions: <c>Exception: …</c> then <c>\tat …</c>, <c>Caused by: …</c>, <c>\t... N more</c>.</summary>
    Java,

    /// <summary>Python tracebacks: <c>Traceback (most recent call last):</c>, indented frames, then the exception line.</summary>
    Python,

    /// <summary>Go panics and goroutine dumps: <c>panic: …</c> / <c>goroutine N [running]:</c> and the frames after.</summary>
    Go,

    /// <summary><see cref="MultilineOptions.StartPattern"/> starts a record; other lines (or those matching <see cref="MultilineOptions.ContinuePattern"/>) join it.</summary>
    Custom,
}

/// <summary>A <c>multiline</c> entry of <c>logs.filters</c>: how consecutive lines of one file and stream are joined.</summary>
public sealed class MultilineOptions
{
    public static readonly TimeSpan DefaultFlushTimeout = TimeSpan.FromSeconds(1);
    public const int DefaultMaxBytes = 256 * 1024;
    public const int DefaultMaxLines = 1000;

    public MultilineMode Mode { get; init; }

    /// <summary>Custom mode: a line matching this regex starts a new record (fluent-bit's <c>start_state</c>).</summary>
    public string? StartPattern { get; init; }

    /// <summary>Custom mode, optional: only lines matching this regex continue a record; any other line stands alone.</summary>
    public string? ContinuePattern { get; init; }

    /// <summary>A record waiting for more lines is emitted once no line came for this long.</summary>
    public TimeSpan FlushTimeout { get; init; } = DefaultFlushTimeout;

    /// <summary>A joined record is emitted once it holds this many bytes; the next line starts another.</summary>
    public int MaxBytes { get; init; } = DefaultMaxBytes;

    /// <summary>A joined record is emitted once it holds this many lines.</summary>
    public int MaxLines { get; init; } = DefaultMaxLines;
}
