using Google.Protobuf;
using Pipeline.Grains.RemoteWrite;
using Pipeline.Grains.RemoteWrite.Protocol;
using Xunit;

namespace Pipeline.Tests.RemoteWrite;

public sealed class RemoteWriteSeriesTests
{
    [Fact]
    public void Encoded_labels_are_the_label_fields_of_the_generated_time_series()
    {
        RemoteWriteLabel[] labels =
        [
            new("__name__", "container_memory_rss"), new("blank", ""), new("long", new string('x', 300)), new("note", "é✓ unicode"), new("pod", "cart-7d9f"),
        ];
        var generated = new TimeSeries();
        generated.Labels.AddRange(labels.Select(l => new Label { Name = l.Name, Value = l.Value }));

        var series = RemoteWriteSeries.From(labels);

        Assert.Equal(generated.ToByteArray(), series.EncodedLabels.ToArray());
        Assert.Equal(5, series.Count);
        Assert.Equal(series.EncodedLabels.Length, series.EncodedLength);
    }

    [Fact]
    public void Decoding_gives_back_every_label_and_value()
    {
        RemoteWriteLabel[] labels = [new("__name__", "up"), new("blank", ""), new("instance", "10.0.0.1:9100"), new("note", "é✓ unicode"), new("v", new string('y', 200))];

        var decoded = RemoteWriteSeries.From(labels).DecodeLabels();

        Assert.Equal(labels, decoded);
    }

    [Fact]
    public void Equal_labels_hash_equally_in_different_objects_and_different_labels_do_not()
    {
        var a = RemoteWriteSeries.From([new("__name__", "up"), new("job", "node")]);
        var b = RemoteWriteSeries.From([new("__name__", "up"), new("job", "node")]);
        var c = RemoteWriteSeries.From([new("__name__", "up"), new("job", "nodf")]);
        // The boundary between name and value is part of the encoding: "jo" + "bnode" differs from "job" + "node".
        var d = RemoteWriteSeries.From([new("__name__", "up"), new("jo", "bnode")]);

        Assert.NotEqual(a, b); // two series objects, though their labels are equal
        Assert.Equal(a, a);
        Assert.Equal(a.Hash, b.Hash);
        Assert.NotEqual(a.Hash, c.Hash);
        Assert.NotEqual(a.Hash, d.Hash);
        Assert.True(RemoteWriteSeries.ContentComparer.Equals(a, b));
        Assert.Equal(RemoteWriteSeries.ContentComparer.GetHashCode(a), RemoteWriteSeries.ContentComparer.GetHashCode(b));
        Assert.False(RemoteWriteSeries.ContentComparer.Equals(a, c));
        Assert.False(RemoteWriteSeries.ContentComparer.Equals(a, d));
    }
}
