using System.Text;
using System.Text.Json.Nodes;

namespace Pipeline.Grains.Processing.Filters;

/// <summary>
/// One parser at work for one filter instance (it keeps buffers and a name cache, so it is not
/// shared between aggregator activations). It reads a value into top-level members; the parser
/// filter then applies the definition's time and types and writes them into the record.
/// </summary>
internal abstract class LogParser
{
    private byte[] _bytes = [];
    private char[] _chars = [];

    protected LogParser(ParserDefinition definition)
    {
        Definition = definition;
    }

    public ParserDefinition Definition { get; }

    /// <summary>Member names and short values this parser has seen.</summary>
    protected StringCache Strings { get; } = new();

    public static LogParser Create(ParserDefinition definition) => definition.Format switch
    {
        ParserFormat.Json => new JsonLogParser(definition),
        ParserFormat.Logfmt => new LogfmtLogParser(definition),
        _ => new RegexLogParser(definition),
    };

    /// <summary>Whether the parser reads bytes directly; a regex needs a string anyway, so it takes the record's decoded message.</summary>
    public virtual bool ReadsUtf8 => true;

    /// <summary>Parses UTF-8 text (the message as read); null on success, else the reason it failed.</summary>
    public abstract string? Parse(ReadOnlySpan<byte> utf8, List<KeyValuePair<string, JsonNode?>> members);

    /// <summary>Parses text held as a string; null on success, else the reason it failed.</summary>
    public abstract string? Parse(string text, List<KeyValuePair<string, JsonNode?>> members);

    protected ReadOnlySpan<byte> Encode(string text)
    {
        var max = Encoding.UTF8.GetMaxByteCount(text.Length);
        if (_bytes.Length < max)
        {
            _bytes = new byte[Math.Max(max, 256)];
        }

        return _bytes.AsSpan(0, Encoding.UTF8.GetBytes(text, _bytes));
    }

    protected ReadOnlySpan<char> Decode(ReadOnlySpan<byte> utf8)
    {
        if (_chars.Length < utf8.Length)
        {
            _chars = new char[Math.Max(utf8.Length, 256)];
        }

        return _chars.AsSpan(0, Encoding.UTF8.GetChars(utf8, _chars));
    }
}
