namespace Pipeline.Grains.Metrics.Store;

/// <summary>
/// The ids of the series that have one label value, ascending (ids are handed out in increasing order, so
/// adding appends). Also the canonical instance of the value string, which every series with it shares.
/// </summary>
internal sealed class PostingList(string value)
{
    private int[] _ids = new int[2];

    public string Value { get; } = value;

    public int Count { get; private set; }

    public ReadOnlySpan<int> Ids => _ids.AsSpan(0, Count);

    public void Add(int id)
    {
        if (Count == _ids.Length)
        {
            Array.Resize(ref _ids, _ids.Length * 2);
        }

        _ids[Count++] = id;
    }

    /// <summary>Removes every id in <paramref name="removed"/>, keeping the order.</summary>
    public void RemoveAll(HashSet<int> removed)
    {
        var kept = 0;
        for (var i = 0; i < Count; i++)
        {
            if (!removed.Contains(_ids[i]))
            {
                _ids[kept++] = _ids[i];
            }
        }

        Count = kept;
        if (Count < _ids.Length / 4 && _ids.Length > 8)
        {
            Array.Resize(ref _ids, Math.Max(Count * 2, 2));
        }
    }
}
