namespace Pipeline.Grains.Scraping.Exposition;

/// <summary>
/// What a sample is within its family, read from its name's suffix and the family's type
/// (<c>x_bucket</c> of histogram <c>x</c> is a <see cref="Bucket"/>).
/// </summary>
public enum SampleRole
{
    /// <summary>The sample's name is the family's name (gauge, unknown, text counter, stateset).</summary>
    Value,

    /// <summary><c>_total</c> of a counter.</summary>
    Total,

    /// <summary><c>_created</c> of a counter, histogram or summary: creation time in seconds.</summary>
    Created,

    /// <summary><c>_bucket</c> of a histogram or gauge histogram; <c>le</c> is in <see cref="ExpositionSample.Bound"/>.</summary>
    Bucket,

    /// <summary><c>_sum</c> of a histogram or summary.</summary>
    Sum,

    /// <summary><c>_count</c> of a histogram or summary.</summary>
    Count,

    /// <summary><c>_gsum</c> of a gauge histogram.</summary>
    GaugeSum,

    /// <summary><c>_gcount</c> of a gauge histogram.</summary>
    GaugeCount,

    /// <summary>A summary's quantile; <c>quantile</c> is in <see cref="ExpositionSample.Bound"/>.</summary>
    Quantile,

    /// <summary><c>_info</c> of an info family.</summary>
    Info,

    /// <summary>One state of a stateset (the label named like the family says which).</summary>
    State,
}
