using BenchmarkDotNet.Attributes;
using Pipeline.Grains.Metrics.Store;

namespace Pipeline.Benchmarks.MetricStore;

/// <summary>
/// One chunk of 120 samples encoded (appended sample by sample, then closed, as the store does) and decoded:
/// a microsecond CPU counter in seconds (decimal), a byte gauge moving by pages (decimal with a divisor) and
/// arbitrary floats (XOR). Times are per chunk; divide by 120 for a sample.
/// </summary>
[MemoryDiagnoser]
public class ChunkCodecBenchmarks
{
    private const int Samples = 120;

    private readonly long[] _timestamps = new long[Samples];
    private readonly double[] _values = new double[Samples];
    private readonly long[] _decodedTimestamps = new long[Samples];
    private readonly double[] _decodedValues = new double[Samples];
    private ChunkEncoder _encoder = null!;
    private byte[] _chunk = [];

    [Params("cpu-counter", "page-gauge", "float")]
    public string Data { get; set; } = "cpu-counter";

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(1);
        long micros = 5_000_000_000, bytes = 300L * 1024 * 1024;
        var time = 1_764_064_800_000L;
        for (var i = 0; i < Samples; i++)
        {
            time += 15_000 + random.Next(-2, 3);
            _timestamps[i] = time;
            micros += (long)(1_500_000 * (0.6 + (0.8 * random.NextDouble())));
            bytes += random.Next(-64, 65) * 4096L;
            _values[i] = Data switch
            {
                "cpu-counter" => micros / 1e6,
                "page-gauge" => bytes,
                _ => random.NextDouble() * 100,
            };
        }

        _encoder = new ChunkEncoder();
        _chunk = Encode();
    }

    [Benchmark]
    public byte[] Encode()
    {
        for (var i = 0; i < Samples; i++)
        {
            _encoder.Append(_timestamps[i], _values[i]);
        }

        return _encoder.Close();
    }

    [Benchmark]
    public int Decode() => ChunkDecoder.Decode(_chunk, _decodedTimestamps, _decodedValues);
}
