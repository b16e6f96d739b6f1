using Pipeline.Grains.Batching;
using Pipeline.Grains.Store.Embedded;
using Xunit;
using static Pipeline.Tests.EmbeddedStore.TemporaryLogStore;

namespace Pipeline.Tests.EmbeddedStore;

public sealed class EmbeddedLogStoreRetentionTests : IAsyncLifetime
{
    private readonly TemporaryLogStore _store = new(now: BaseTime, retentionDays: 7);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _store.DisposeAsync();

    [Fact]
    public async Task Retention_deletes_records_older_than_the_retention_and_their_index_entries()
    {
        var source = Source("a");
        await _store.Store.WriteAsync(
            Batch(
                (source, 0, Nanos(BaseTime.AddDays(-6)), LogStream.Stdout, LogRecordFlags.None, "ancient alpha"),
                (source, 1, Nanos(BaseTime.AddDays(2).AddSeconds(-1)), LogStream.Stdout, LogRecordFlags.None, "expired beta"),
                (source, 2, Nanos(BaseTime.AddDays(2).AddSeconds(1)), LogStream.Stdout, LogRecordFlags.None, "kept gamma"),
                (source, 3, Nanos(BaseTime.AddDays(9)), LogStream.Stdout, LogRecordFlags.None, "recent delta")),
            CancellationToken.None);

        // Nine days on, the cutoff is day 2: alpha and beta are past it, gamma and delta are not.
        _store.Clock.SetUtcNow(BaseTime.AddDays(9));
        var deleted = await _store.Store.ApplyRetentionAsync(CancellationToken.None);

        Assert.Equal(2, deleted);
        var remaining = await _store.SearchAsync("*");
        Assert.Equal(new[] { "file-a-3", "file-a-2" }, remaining.Hits.Select(h => h.Id));
        Assert.Equal(0, (await _store.SearchAsync("alpha or beta")).Total);
        Assert.Equal(2, (await _store.SearchAsync("gamma or delta")).Total);
        _store.AssertFtsInSync();
    }

    [Fact]
    public async Task Retention_follows_the_clock()
    {
        var source = Source("a");
        await _store.Store.WriteAsync(
            Batch((source, 0, Nanos(BaseTime.AddDays(-3)), LogStream.Stdout, LogRecordFlags.None, "written three days ago")),
            CancellationToken.None);
        Assert.Equal(0, await _store.Store.ApplyRetentionAsync(CancellationToken.None));

        _store.Clock.SetUtcNow(BaseTime.AddDays(4).AddSeconds(1));

        Assert.Equal(1, await _store.Store.ApplyRetentionAsync(CancellationToken.None));
        Assert.Equal(0, (await _store.SearchAsync("*")).Total);
    }

    [Fact]
    public async Task Retention_deletes_more_rows_than_one_chunk()
    {
        var source = Source("bulk");
        var written = Nanos(BaseTime);
        var count = (EmbeddedLogStore.RetentionChunkRows * 2) + 17;
        await _store.Store.WriteAsync(
            Batch(Enumerable.Range(0, count)
                .Select(i => (source, (long)i, written + i, LogStream.Stdout, LogRecordFlags.None, $"old line {i}"))
                .ToArray()),
            CancellationToken.None);

        _store.Clock.SetUtcNow(BaseTime.AddDays(8));

        Assert.Equal(count, await _store.Store.ApplyRetentionAsync(CancellationToken.None));
        Assert.Equal(0, _store.Scalar("SELECT COUNT(*) FROM logs"));
        _store.AssertFtsInSync();
        Assert.Equal(0, _store.FtsTokenCount());
    }
}
