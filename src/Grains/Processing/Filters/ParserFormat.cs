namespace Pipeline.Grains.Processing.Filters;

/// <summary>How a parser reads text.</summary>
public enum ParserFormat
{
    /// <summary>A JSON object; its members become fields with their JSON types.</summary>
    Json,

    /// <summary><c>key=value key2="quoted value"</c>; values are text.</summary>
    Logfmt,

    /// <summary>A regular expression whose named groups become text fields.</summary>
    Regex,
}
