using System.Text;

namespace Pipeline.Grains.Scraping.Exposition;

/// <summary>
/// The labels of one sample (or exemplar), in body order, the metric name not included. Names
/// are interned strings; values are unescaped UTF-8 in the parser's buffer, valid during the
/// visitor call only.
/// </summary>
public readonly ref struct ExpositionLabels
{
    private readonly ReadOnlySpan<string> _names;
    private readonly ReadOnlySpan<int> _starts;
    private readonly ReadOnlySpan<int> _lengths;
    private readonly ReadOnlySpan<byte> _values;

    internal ExpositionLabels(ReadOnlySpan<string> names, ReadOnlySpan<int> starts, ReadOnlySpan<int> lengths, ReadOnlySpan<byte> values)
    {
        _names = names;
        _starts = starts;
        _lengths = lengths;
        _values = values;
    }

    public int Count => _names.Length;

    public string GetName(int index) => _names[index];

    public ReadOnlySpan<byte> GetValueUtf8(int index) => _values.Slice(_starts[index], _lengths[index]);

    /// <summary>The value as a string (allocates).</summary>
    public string GetValue(int index) => Encoding.UTF8.GetString(GetValueUtf8(index));

    /// <summary>The value of the label named <paramref name="name"/>, if the sample has it.</summary>
    public bool TryGetValueUtf8(string name, out ReadOnlySpan<byte> value)
    {
        for (var i = 0; i < _names.Length; i++)
        {
            if (string.Equals(_names[i], name, StringComparison.Ordinal))
            {
                value = GetValueUtf8(i);
                return true;
            }
        }

        value = default;
        return false;
    }
}
