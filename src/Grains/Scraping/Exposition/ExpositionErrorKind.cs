namespace Pipeline.Grains.Scraping.Exposition;

/// <summary>Why a scrape body was refused; the limits get their own kind so they can be counted apart.</summary>
public enum ExpositionErrorKind
{
    /// <summary>The body breaks the format's grammar.</summary>
    Syntax,

    /// <summary>An OpenMetrics body did not end with <c># EOF</c>.</summary>
    MissingEof,

    /// <summary>More samples than <see cref="ExpositionLimits.SampleLimit"/>.</summary>
    SampleLimit,

    /// <summary>More bytes than <see cref="ExpositionLimits.BodySizeLimit"/>.</summary>
    BodySizeLimit,

    /// <summary>A sample with more labels than <see cref="ExpositionLimits.LabelLimit"/>.</summary>
    LabelLimit,

    /// <summary>A label name longer than <see cref="ExpositionLimits.LabelNameLengthLimit"/>.</summary>
    LabelNameLengthLimit,

    /// <summary>A label value longer than <see cref="ExpositionLimits.LabelValueLengthLimit"/>.</summary>
    LabelValueLengthLimit,

    /// <summary>A line longer than <see cref="ExpositionLimits.MaxLineBytes"/>.</summary>
    LineTooLong,

    /// <summary>The body could not be decompressed, or its Content-Encoding is not supported.</summary>
    Encoding,
}
