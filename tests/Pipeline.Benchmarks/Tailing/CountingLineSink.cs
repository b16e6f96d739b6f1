using Pipeline.Grains.Collection.Tailing;

namespace Pipeline.Benchmarks.Tailing;

/// <summary>A sink that only counts, so the benchmark measures the tailer and nothing after it.</summary>
internal sealed class CountingLineSink : ILineSink
{
    public long Lines { get; private set; }

    public long Bytes { get; private set; }

    public void OnLine(TailedFile file, ReadOnlySpan<byte> line, long offset, long nextOffset, bool truncated)
    {
        Lines++;
        Bytes += line.Length;
    }

    public void Reset()
    {
        Lines = 0;
        Bytes = 0;
    }
}
