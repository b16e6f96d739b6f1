namespace Pipeline.Grains.Scraping.Relabeling;

/// <summary>
/// A mutable label set kept sorted by name, reused from series to series on the relabeling hot path.
/// Setting an empty value deletes the label, as in Prometheus. When nothing changed since
/// <see cref="Reset(LabelSet)"/>, <see cref="ToLabelSet"/> returns the original set without copying.
/// </summary>
public sealed class LabelSetBuilder
{
    private string[] _names;
    private string[] _values;
    private int _count;
    private LabelSet? _origin;

    public LabelSetBuilder(int capacity = 16)
    {
        _names = new string[Math.Max(capacity, 4)];
        _values = new string[_names.Length];
    }

    public LabelSetBuilder(LabelSet labels)
        : this(labels.Count + 4) => Reset(labels);

    public int Count => _count;

    public string NameAt(int index) => _names[index];

    public string ValueAt(int index) => _values[index];

    /// <summary>Starts over from <paramref name="labels"/>.</summary>
    public void Reset(LabelSet labels)
    {
        EnsureCapacity(labels.Count);
        var span = labels.AsSpan();
        for (var i = 0; i < span.Length; i++)
        {
            _names[i] = span[i].Name;
            _values[i] = span[i].Value;
        }

        Array.Clear(_names, span.Length, Math.Max(0, _count - span.Length));
        Array.Clear(_values, span.Length, Math.Max(0, _count - span.Length));
        _count = span.Length;
        _origin = labels;
    }

    /// <summary>Starts over from no labels.</summary>
    public void Reset() => Reset(LabelSet.Empty);

    /// <summary>The value of <paramref name="name"/>, or the empty string when there is no such label.</summary>
    public string Get(string name)
    {
        var i = IndexOf(name);
        return i >= 0 ? _values[i] : string.Empty;
    }

    /// <summary>Sets <paramref name="name"/> to <paramref name="value"/>; an empty value deletes the label.</summary>
    public void Set(string name, string value)
    {
        if (value.Length == 0)
        {
            Delete(name);
            return;
        }

        var i = IndexOf(name);
        if (i >= 0)
        {
            if (!string.Equals(_values[i], value, StringComparison.Ordinal))
            {
                _values[i] = value;
                _origin = null;
            }

            return;
        }

        i = ~i;
        EnsureCapacity(_count + 1);
        Array.Copy(_names, i, _names, i + 1, _count - i);
        Array.Copy(_values, i, _values, i + 1, _count - i);
        _names[i] = name;
        _values[i] = value;
        _count++;
        _origin = null;
    }

    public void Delete(string name)
    {
        var i = IndexOf(name);
        if (i >= 0)
        {
            RemoveAt(i);
        }
    }

    public void RemoveAt(int index)
    {
        _count--;
        Array.Copy(_names, index + 1, _names, index, _count - index);
        Array.Copy(_values, index + 1, _values, index, _count - index);
        _names[_count] = null!;
        _values[_count] = null!;
        _origin = null;
    }

    /// <summary>Removes every label for which <paramref name="remove"/> answers true, in one pass.</summary>
    internal void RemoveWhere<TState>(Func<string, TState, bool> remove, TState state)
    {
        var kept = 0;
        for (var i = 0; i < _count; i++)
        {
            if (remove(_names[i], state))
            {
                continue;
            }

            _names[kept] = _names[i];
            _values[kept] = _values[i];
            kept++;
        }

        if (kept != _count)
        {
            Array.Clear(_names, kept, _count - kept);
            Array.Clear(_values, kept, _count - kept);
            _count = kept;
            _origin = null;
        }
    }

    /// <summary>Copies the current pairs into <paramref name="names"/> and <paramref name="values"/> (for actions that read a snapshot while writing).</summary>
    internal void CopyTo(Span<string> names, Span<string> values)
    {
        _names.AsSpan(0, _count).CopyTo(names);
        _values.AsSpan(0, _count).CopyTo(values);
    }

    public LabelSet ToLabelSet()
    {
        if (_origin is not null)
        {
            return _origin;
        }

        if (_count == 0)
        {
            return LabelSet.Empty;
        }

        var labels = new Label[_count];
        for (var i = 0; i < _count; i++)
        {
            labels[i] = new Label(_names[i], _values[i]);
        }

        _origin = new LabelSet(labels);
        return _origin;
    }

    private int IndexOf(string name)
    {
        int lo = 0, hi = _count - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            var c = string.CompareOrdinal(_names[mid], name);
            if (c == 0)
            {
                return mid;
            }

            if (c < 0)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return ~lo;
    }

    private void EnsureCapacity(int count)
    {
        if (count > _names.Length)
        {
            var size = Math.Max(count, _names.Length * 2);
            Array.Resize(ref _names, size);
            Array.Resize(ref _values, size);
        }
    }
}
