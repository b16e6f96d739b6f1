using Google.Protobuf;
using Pipeline.Grains.RemoteWrite;
using Pipeline.Grains.RemoteWrite.Protocol;
using Snappier;
using Xunit;
using static Pipeline.Tests.RemoteWrite.RemoteWriteTestSeries;

namespace Pipeline.Tests.RemoteWrite;

public sealed class RemoteWriteRequestEncoderTests
{
    private static readonly double StaleNaN = BitConverter.Int64BitsToDouble(0x7ff0000000000002);

    [Fact]
    public void Hand_written_encoding_is_byte_for_byte_the_generated_message()
    {
        var up = RemoteWriteTestSeries.Series("up", "job", "node", "instance", "10.0.0.1:9100");
        var cpu = RemoteWriteTestSeries.Series("container_cpu_usage_seconds_total", "namespace", "shop", "pod", "cart-7d9f", "container", "cart", "note", "é✓ unicode");
        var empty = RemoteWriteTestSeries.Series("with_empty_value", "blank", "");
        RemoteWriteSample[] samples =
        [
            new(up, 1_764_064_800_000, 1),
            new(up, 1_764_064_815_000, 0),
            new(cpu, 1_764_064_800_000, 12.5),
            new(up, 1_764_064_830_000, StaleNaN),
            new(empty, -5, double.NegativeInfinity),
            new(cpu, 0, double.MaxValue),
        ];

        var expected = new WriteRequest();
        // Consecutive samples of one series object form one time series; a later one starts another.
        expected.Timeseries.Add(Series(up, (1_764_064_800_000, 1), (1_764_064_815_000, 0)));
        expected.Timeseries.Add(Series(cpu, (1_764_064_800_000, 12.5)));
        expected.Timeseries.Add(Series(up, (1_764_064_830_000, StaleNaN)));
        expected.Timeseries.Add(Series(empty, (-5, double.NegativeInfinity)));
        expected.Timeseries.Add(Series(cpu, (0, double.MaxValue)));

        using var encoder = new RemoteWriteRequestEncoder(initialBytes: 16); // forces the buffers to grow
        var bytes = encoder.EncodeProtobuf(samples).ToArray();

        Assert.Equal(expected.ToByteArray(), bytes);
    }

    [Fact]
    public void A_compressed_request_decodes_to_exactly_the_queued_samples()
    {
        var series = Enumerable.Range(0, 300).Select(i => Labels("http_requests_total", "pod", $"api-{i}", "code", (200 + (i % 5)).ToString())).ToArray();
        var samples = series.Select((labels, i) => new RemoteWriteSample(labels, 1_764_064_800_000 + i, i * 0.25)).ToArray();
        samples[7] = samples[7] with { Value = StaleNaN };

        using var encoder = new RemoteWriteRequestEncoder();
        var compressed = encoder.Encode(samples).ToArray();
        var request = WriteRequest.Parser.ParseFrom(Snappy.DecompressToArray(compressed));

        Assert.Equal(encoder.ProtobufLength, Snappy.DecompressToArray(compressed).Length);
        Assert.Equal(300, request.Timeseries.Count);
        for (var i = 0; i < samples.Length; i++)
        {
            var ts = request.Timeseries[i];
            Assert.Equal(samples[i].Series.DecodeLabels().Select(l => (l.Name, l.Value)), ts.Labels.Select(l => (l.Name, l.Value)));
            var sample = Assert.Single(ts.Samples);
            Assert.Equal(samples[i].TimestampMs, sample.Timestamp);
            Assert.Equal(BitConverter.DoubleToInt64Bits(samples[i].Value), BitConverter.DoubleToInt64Bits(sample.Value));
        }
    }

    [Fact]
    public void The_encoder_reuses_its_buffers_between_requests()
    {
        var labels = RemoteWriteTestSeries.Series("up", "job", "node");
        using var encoder = new RemoteWriteRequestEncoder();
        var first = encoder.Encode([new(labels, 1, 1)]).ToArray();
        encoder.Encode(Enumerable.Range(0, 2000).Select(i => new RemoteWriteSample(labels, i + 1, i)).ToArray());
        var again = encoder.Encode([new(labels, 1, 1)]).ToArray();

        Assert.Equal(first, again);
    }

    private static TimeSeries Series(RemoteWriteSeries labels, params (long Timestamp, double Value)[] samples)
    {
        var series = new TimeSeries();
        series.Labels.AddRange(labels.DecodeLabels().Select(l => new Label { Name = l.Name, Value = l.Value }));
        series.Samples.AddRange(samples.Select(s => new Sample { Timestamp = s.Timestamp, Value = s.Value }));
        return series;
    }
}
