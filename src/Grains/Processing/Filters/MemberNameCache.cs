using System.Text;

namespace Pipeline.Grains.Processing.Filters;

/// <summary>
/// Member names seen by one parser instance, so parsing the same keys line after line (<c>level</c>,
/// <c>msg</c>, <c>ts</c>) allocates no name strings. Bounded: once full, new names are allocated
/// and not kept, so high-cardinality keys cannot grow it.
/// </summary>
internal sealed class MemberNameCache
{
    private const int MaxEntries = 512;
    private const int MaxNameLength = 64;

    private readonly Dictionary<string, string> _names = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    public MemberNameCache()
    {
        _lookup = _names.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public string Get(ReadOnlySpan<char> name)
    {
        if (_lookup.TryGetValue(name, out var cached))
        {
            return cached;
        }

        var text = name.ToString();
        if (_names.Count < MaxEntries && name.Length <= MaxNameLength)
        {
            _names[text] = text;
        }

        return text;
    }

    public string Get(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length > MaxNameLength)
        {
            return Encoding.UTF8.GetString(utf8);
        }

        Span<char> chars = stackalloc char[MaxNameLength];
        var count = Encoding.UTF8.GetChars(utf8, chars);
        return Get(chars[..count]);
    }
}
