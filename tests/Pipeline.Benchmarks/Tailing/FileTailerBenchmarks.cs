using System.Text;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Logging.Abstractions;
using Pipeline.Grains.Collection.Tailing;

namespace Pipeline.Benchmarks.Tailing;

/// <summary>
/// Reads a 100 MiB container log of ~180-byte CRI lines to its end through a counting sink:
/// throughput is 100 MiB over the mean time; allocations should not grow with the file.
/// The file stays in the page cache after the first iteration, so this measures the tailer, not the disk.
/// </summary>
[MemoryDiagnoser]
public class FileTailerBenchmarks
{
    private const long FileBytes = 100L * 1024 * 1024;

    private readonly CountingLineSink _sink = new();
    private string _directory = string.Empty;
    private CheckpointStore? _store;
    private FileTailer? _tailer;

    /// <summary>Bytes a single <see cref="FileTailer.Read"/> call may consume, as the collector would pass.</summary>
    [Params(1024 * 1024)]
    public int ReadBudgetBytes { get; set; }

    [GlobalSetup]
    public void WriteLogFile()
    {
        _directory = Path.Combine(Path.GetTempPath(), "pipeline-tailing-benchmark", Guid.NewGuid().ToString("n"));
        Directory.CreateDirectory(Path.Combine(_directory, "logs"));
        using var stream = new FileStream(Path.Combine(_directory, "logs", "0.log"), FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 20);
        var random = new Random(42);
        var message = new StringBuilder();
        long written = 0;
        for (var i = 0; written < FileBytes; i++)
        {
            message.Clear();
            message.Append("2026-11-25T10:00:00.813799277Z stdout F GET /api/v1/orders/").Append(i).Append(" 200 ");
            message.Append('x', 100 + random.Next(40)).Append('\n');
            var bytes = Encoding.UTF8.GetBytes(message.ToString());
            stream.Write(bytes);
            written += bytes.Length;
        }
    }

    [IterationSetup]
    public void OpenTailer()
    {
        _store = new CheckpointStore(Path.Combine(_directory, "state", Guid.NewGuid().ToString("n") + ".db"), TimeProvider.System);
        _tailer = new FileTailer(
            new TailOptions { Paths = [Path.Combine(_directory, "logs", "*.log")], ReadFromHead = true },
            _store,
            TimeProvider.System,
            NullLogger<FileTailer>.Instance);
        _tailer.Rescan();
        _sink.Reset();
    }

    [Benchmark]
    public long ReadToEnd()
    {
        var tailer = _tailer!;
        var file = tailer.Files[0];
        while (tailer.Read(file, _sink, ReadBudgetBytes) > 0)
        {
        }

        return _sink.Lines;
    }

    [IterationCleanup]
    public void CloseTailer()
    {
        // A benchmark that stopped early would look fast: check the whole file went through the sink.
        var file = _tailer!.Files[0];
        if (file.Position != file.Size || _sink.Bytes + _sink.Lines != file.Size)
        {
            throw new InvalidOperationException($"Read stopped at {file.Position} of {file.Size} bytes.");
        }

        _tailer.Dispose();
        _store?.Dispose();
    }

    [GlobalCleanup]
    public void DeleteLogFile() => Directory.Delete(_directory, recursive: true);
}
