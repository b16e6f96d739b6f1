using BenchmarkDotNet.Attributes;
using Pipeline.Grains.Collection.Decoding;

namespace Pipeline.Benchmarks.Decoding;

/// <summary>
/// The decode step alone, per line: 10,000 pre-generated lines of about 180 bytes each
/// (Mean is per line thanks to OperationsPerInvoke). Target: well under 1 µs a docker line.
/// </summary>
[MemoryDiagnoser]
public class ContainerLogDecoderBenchmarks
{
    private const int LineCount = 10_000;

    private readonly CountingLogRecordSink _sink = new();
    private byte[][] _dockerLines = [];
    private byte[][] _dockerAttrsLines = [];
    private byte[][] _criLines = [];
    private ContainerLogDecoder _dockerDecoder = null!;
    private ContainerLogDecoder _dockerAttrsDecoder = null!;
    private ContainerLogDecoder _criDecoder = null!;

    // Offsets keep growing across invocations, as in a followed file.
    private long _dockerOffset;
    private long _dockerAttrsOffset;
    private long _criOffset;

    [GlobalSetup]
    public void Setup()
    {
        _dockerLines = SampleContainerLogs.DockerLines(LineCount);
        _dockerAttrsLines = SampleContainerLogs.DockerLines(LineCount, withAttrs: true);
        _criLines = SampleContainerLogs.CriLines(LineCount);
        var options = new ContainerLogDecoderOptions();
        _dockerDecoder = new ContainerLogDecoder(options, TimeProvider.System);
        _dockerAttrsDecoder = new ContainerLogDecoder(options, TimeProvider.System);
        _criDecoder = new ContainerLogDecoder(options, TimeProvider.System);
        EnsureAllDecode(_dockerLines, options);
        EnsureAllDecode(_dockerAttrsLines, options);
        EnsureAllDecode(_criLines, options);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = LineCount, Description = "docker json-file line")]
    public long DockerJson() => DecodeAll(_dockerDecoder, _dockerLines, ref _dockerOffset);

    [Benchmark(OperationsPerInvoke = LineCount, Description = "docker line with attrs (Utf8JsonReader path)")]
    public long DockerJsonWithAttrs() => DecodeAll(_dockerAttrsDecoder, _dockerAttrsLines, ref _dockerAttrsOffset);

    [Benchmark(OperationsPerInvoke = LineCount, Description = "CRI line (1 in 20 split P/P/F)")]
    public long Cri() => DecodeAll(_criDecoder, _criLines, ref _criOffset);

    // A sample that fell back to raw lines would measure the wrong path.
    private static void EnsureAllDecode(byte[][] lines, ContainerLogDecoderOptions options)
    {
        var decoder = new ContainerLogDecoder(options, TimeProvider.System);
        var offset = 0L;
        _ = new ContainerLogDecoderBenchmarks().DecodeAll(decoder, lines, ref offset);
        if (decoder.UnparsedLines != 0 || decoder.Utf8Repairs != 0 || decoder.PendingStartOffset != long.MaxValue)
        {
            throw new InvalidOperationException(
                $"Benchmark sample does not decode cleanly: {decoder.UnparsedLines} unparsed, {decoder.Utf8Repairs} repaired, pending from {decoder.PendingStartOffset}.");
        }
    }

    private long DecodeAll(ContainerLogDecoder decoder, byte[][] lines, ref long offset)
    {
        foreach (var line in lines)
        {
            var next = offset + line.Length + 1;
            decoder.Decode(line, offset, next, truncated: false, _sink);
            offset = next;
        }

        return _sink.Records;
    }
}
