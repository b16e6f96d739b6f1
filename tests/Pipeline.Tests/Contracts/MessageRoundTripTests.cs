using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Pipeline.Contracts.Logs;
using Xunit;

namespace Pipeline.Tests.Contracts;

/// <summary>Every message that crosses silos survives the Orleans serializer unchanged.</summary>
public sealed class MessageRoundTripTests
{
    private static readonly Serializer Serializer = new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer>();

    private static T RoundTrip<T>(T value) => Serializer.Deserialize<T>(Serializer.SerializeToArray(value))!;

    private static readonly LogSource Source = new()
    {
        FileKey = "0123456789abcdef", Path = "/var/log/containers/web_shop_web-1.log", Namespace = "shop", PodName = "web",
        PodId = "uid", ContainerName = "web", ContainerId = "abc", Host = "node-1",
    };

    [Fact]
    public void LogBatch_round_trips()
    {
        var batch = new LogBatch { Tenant = "shop", Node = "node-1", Sources = [Source], Payload = new byte[] { 9, 1, 2, 3, 4, 9 }.AsMemory(1, 4), Count = 1, Sequence = 42 };
        var copy = RoundTrip(batch);
        Assert.Equal(batch.Tenant, copy.Tenant);
        Assert.Equal(batch.Node, copy.Node);
        Assert.Equal(batch.Sources, copy.Sources);
        Assert.Equal(batch.Payload.ToArray(), copy.Payload.ToArray());
        Assert.Equal(batch.Count, copy.Count);
        Assert.Equal(batch.Sequence, copy.Sequence);
    }

    [Fact]
    public void LogSource_round_trips() => Assert.Equal(Source, RoundTrip(Source));

    [Fact]
    public void An_enriched_LogSource_round_trips_with_its_pod_metadata()
    {
        var enriched = Source with
        {
            Labels = new Dictionary<string, string> { ["app"] = "web" }, Annotations = new Dictionary<string, string> { ["team"] = "shop" },
            ContainerImage = "web:1", ContainerHash = "web@sha256:ab", Enriched = true,
        };
        var copy = RoundTrip(enriched);
        Assert.Equal(enriched with { Labels = null, Annotations = null }, copy with { Labels = null, Annotations = null });
        Assert.Equal(enriched.Labels, copy.Labels);
        Assert.Equal(enriched.Annotations, copy.Annotations);
    }

    [Fact]
    public void DeliveryResult_round_trips()
    {
        Assert.Equal(DeliveryResult.Failed("store down"), RoundTrip(DeliveryResult.Failed("store down")));
        Assert.Equal(new DeliveryResult { Delivered = true, Stored = 9 }, RoundTrip(new DeliveryResult { Delivered = true, Stored = 9 }));
    }

    [Fact]
    public void CollectorStatus_round_trips()
    {
        var status = new CollectorStatus
        {
            Node = "n", Silo = "s", FilesFollowed = 3, RecordsRead = 10, RecordsAcknowledged = 9, BufferedBytes = 100, Paused = true, Drained = false, Error = "x",
        };
        Assert.Equal(status, RoundTrip(status));
    }

    [Fact]
    public void Search_messages_round_trip()
    {
        var request = new LogSearchRequest { Query = "a:b", FromUnixNanos = 1, ToUnixNanos = 2, Limit = 3 };
        Assert.Equal(request, RoundTrip(request));
        var hit = new LogSearchHit { Id = "k-1", TimeUnixNanos = 5, Document = "{}" };
        Assert.Equal(hit, RoundTrip(hit));
        var result = RoundTrip(new LogSearchResult { Total = 7, Hits = [hit] });
        Assert.Equal(7, result.Total);
        Assert.Equal([hit], result.Hits);
    }
}
