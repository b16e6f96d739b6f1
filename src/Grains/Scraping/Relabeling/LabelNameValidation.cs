namespace Pipeline.Grains.Scraping.Relabeling;

/// <summary>Which label names are valid: Prometheus 3's default (any UTF-8) or the legacy <c>[a-zA-Z_][a-zA-Z0-9_]*</c>.</summary>
public enum LabelNameValidation
{
    /// <summary>Any non-empty name of valid UTF-8 (Prometheus 3's <c>metric_name_validation_scheme: utf8</c>, the default).</summary>
    Utf8,

    /// <summary><c>[a-zA-Z_][a-zA-Z0-9_]*</c> (Prometheus 2, and 3 with <c>metric_name_validation_scheme: legacy</c>).</summary>
    Legacy,
}
