using BenchmarkDotNet.Attributes;
using Pipeline.Grains.Scraping.Exposition;

namespace Pipeline.Benchmarks.Scraping;

/// <summary>
/// One scrape of a node-exporter-like body of 2,000 samples (Mean and Allocated are per
/// sample thanks to OperationsPerInvoke), by a parser reused across scrapes as a target
/// reuses it. Target: well under 200 ns and near-zero bytes a sample.
/// </summary>
[MemoryDiagnoser]
public class ExpositionParserBenchmarks
{
    private const int Samples = NodeExporterBody.SampleCount;

    private readonly CountingExpositionVisitor _visitor = new();
    private readonly ExpositionParser _textParser = new();
    private readonly ExpositionParser _openMetricsParser = new();
    private readonly ExpositionParser _streamParser = new();
    private byte[] _text = [];
    private byte[] _openMetrics = [];
    private MemoryStream _textStream = new();

    [GlobalSetup]
    public void Setup()
    {
        _text = NodeExporterBody.Create(openMetrics: false);
        _openMetrics = NodeExporterBody.Create(openMetrics: true);
        _textStream = new MemoryStream(_text, writable: false);
        foreach (var (parser, body, format) in new[]
        {
            (_textParser, _text, ExpositionFormat.PrometheusText),
            (_openMetricsParser, _openMetrics, ExpositionFormat.OpenMetrics),
        })
        {
            var result = parser.Parse(body, format, _visitor);
            if (!result.Succeeded || result.Samples != Samples)
            {
                throw new InvalidOperationException($"Benchmark body does not parse cleanly: {result.Samples} samples, {result.Error}.");
            }
        }
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Samples, Description = "text 0.0.4, whole body")]
    public int Text() => _textParser.Parse(_text, ExpositionFormat.PrometheusText, _visitor).Samples;

    [Benchmark(OperationsPerInvoke = Samples, Description = "OpenMetrics 1.0, whole body")]
    public int OpenMetrics() => _openMetricsParser.Parse(_openMetrics, ExpositionFormat.OpenMetrics, _visitor).Samples;

    [Benchmark(OperationsPerInvoke = Samples, Description = "text 0.0.4 from a Stream, 64 KiB reads")]
    public async Task<int> TextStream()
    {
        _textStream.Position = 0;
        var result = await _streamParser.ParseAsync(_textStream, ExpositionFormat.PrometheusText, _visitor);
        return result.Samples;
    }
}
