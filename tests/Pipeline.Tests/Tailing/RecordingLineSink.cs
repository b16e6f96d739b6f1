using System.Text;
using Pipeline.Grains.Collection.Tailing;

namespace Pipeline.Tests.Tailing;

/// <summary>Keeps every line handed out, in order, with the file it came from.</summary>
internal sealed class RecordingLineSink : ILineSink
{
    private readonly Dictionary<string, long> _lastNextOffset = [];

    public List<TailedLine> Lines { get; } = [];

    public IEnumerable<string> Texts => Lines.Select(line => line.Text);

    public void OnLine(TailedFile file, ReadOnlySpan<byte> line, long offset, long nextOffset, bool truncated)
    {
        Lines.Add(new TailedLine(file.FileKey, file.Path, Encoding.UTF8.GetString(line), offset, nextOffset, truncated));
        _lastNextOffset[file.FileKey] = nextOffset;
    }

    public IEnumerable<string> TextsOf(string fileKey) => Lines.Where(line => line.FileKey == fileKey).Select(line => line.Text);

    /// <summary>Offset after the last line received from the file, as an acknowledging collector would commit it.</summary>
    public long LastNextOffset(TailedFile file) => _lastNextOffset[file.FileKey];

    /// <summary>Commits every file up to its last line received, as a collector does once a batch is acknowledged.</summary>
    public void CommitAll(FileTailer tailer)
    {
        foreach (var file in tailer.Files)
        {
            if (_lastNextOffset.TryGetValue(file.FileKey, out var offset))
            {
                tailer.Commit(file, offset);
            }
        }
    }

    public void Clear()
    {
        Lines.Clear();
        _lastNextOffset.Clear();
    }
}
