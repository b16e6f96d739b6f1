namespace Pipeline.Grains.Scraping.Exposition;

/// <summary>
/// The per-target limits of a scrape, as in a Prometheus <c>scrape_config</c>; 0 means no
/// limit. Checked by <see cref="ExpositionLimitsValidator"/>.
/// </summary>
public sealed class ExpositionLimits
{
    /// <summary>Default <see cref="MaxLineBytes"/>: 1 MiB, far above any sane HELP or series line.</summary>
    public const int DefaultMaxLineBytes = 1024 * 1024;

    /// <summary><c>sample_limit</c>: more samples fail the whole scrape.</summary>
    public int SampleLimit { get; set; }

    /// <summary><c>body_size_limit</c>: bytes of the decompressed body; more fail the scrape.</summary>
    public long BodySizeLimit { get; set; }

    /// <summary><c>label_limit</c>: labels of one sample, its name not counted.</summary>
    public int LabelLimit { get; set; }

    /// <summary><c>label_name_length_limit</c>, in bytes.</summary>
    public int LabelNameLengthLimit { get; set; }

    /// <summary><c>label_value_length_limit</c>, in bytes after unescaping.</summary>
    public int LabelValueLengthLimit { get; set; }

    /// <summary>
    /// Cap on one line, so a body without newlines (a binary blob, a minified page) is
    /// refused before it is buffered whole. Not a Prometheus setting; never 0.
    /// </summary>
    public int MaxLineBytes { get; set; } = DefaultMaxLineBytes;
}
