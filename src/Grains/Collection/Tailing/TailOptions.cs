namespace Pipeline.Grains.Collection.Tailing;

/// <summary>
/// What to follow and how, in fluent-bit's tail vocabulary. Checked by <see cref="TailOptionsValidator"/>.
/// </summary>
public sealed class TailOptions
{
    /// <summary>Default of <see cref="ReadFromHead"/>: like fluent-bit, files already there at start-up with no checkpoint are read from their end.</summary>
    public const bool DefaultReadFromHead = false;

    /// <summary>Default of <see cref="RescanInterval"/>, in seconds.</summary>
    public const int DefaultRescanIntervalSeconds = 10;

    /// <summary>Default of <see cref="RotateWait"/>, in seconds.</summary>
    public const int DefaultRotateWaitSeconds = 5;

    /// <summary>Default of <see cref="MaxLineBytes"/>: 256 KiB.</summary>
    public const int DefaultMaxLineBytes = 256 * 1024;

    /// <summary>Default of <see cref="ReadBufferBytes"/>: 256 KiB.</summary>
    public const int DefaultReadBufferBytes = 256 * 1024;

    /// <summary>Default of <see cref="ForgetCheckpointsAfter"/>, in hours.</summary>
    public const int DefaultForgetCheckpointsAfterHours = 24;

    /// <summary>Smallest <see cref="MaxLineBytes"/> accepted.</summary>
    public const int MinMaxLineBytes = 16;

    /// <summary>Absolute globs of the files to follow, e.g. <c>/var/log/containers/*.log</c>.</summary>
    public IList<string> Paths { get; set; } = [];

    /// <summary>Globs of paths not to follow: absolute, or bare file-name patterns such as <c>*.gz</c>.</summary>
    public IList<string> ExcludePaths { get; set; } = [];

    /// <summary>
    /// Whether a file found by the first rescan with no checkpoint is read from its head (true) or
    /// from its end (false). Files that appear later are always read from their head.
    /// </summary>
    public bool ReadFromHead { get; set; } = DefaultReadFromHead;

    /// <summary>How often the collector calls <see cref="FileTailer.Rescan"/> to find new, rotated and deleted files.</summary>
    public TimeSpan RescanInterval { get; set; } = TimeSpan.FromSeconds(DefaultRescanIntervalSeconds);

    /// <summary>
    /// How long a file that was rotated out or deleted stays open after it was noticed: the writer may
    /// still append to it meanwhile. Its unterminated last line is handed out only after this wait.
    /// </summary>
    public TimeSpan RotateWait { get; set; } = TimeSpan.FromSeconds(DefaultRotateWaitSeconds);

    /// <summary>Longest line handed out whole; a longer one is cut to this many bytes and marked truncated, and following goes on.</summary>
    public int MaxLineBytes { get; set; } = DefaultMaxLineBytes;

    /// <summary>Bytes read per system call. The buffer is grown to <see cref="MaxLineBytes"/> + 1 when smaller.</summary>
    public int ReadBufferBytes { get; set; } = DefaultReadBufferBytes;

    /// <summary>When set, newly found files not modified for this long are not followed (files already followed are kept).</summary>
    public TimeSpan? IgnoreOlderThan { get; set; }

    /// <summary>How long the checkpoint of a file no longer followed is kept, in case it comes back.</summary>
    public TimeSpan ForgetCheckpointsAfter { get; set; } = TimeSpan.FromHours(DefaultForgetCheckpointsAfterHours);
}
