using Pipeline.Grains.Batching;
using Pipeline.Grains.Store.Embedded;
using Xunit;
using static Pipeline.Tests.EmbeddedStore.TemporaryLogStore;

namespace Pipeline.Tests.EmbeddedStore;

public sealed class EmbeddedLogStoreWriteTests : IAsyncLifetime
{
    private readonly TemporaryLogStore _store = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _store.DisposeAsync();

    [Fact]
    public async Task Write_returns_the_number_of_records_stored()
    {
        var source = Source("a", pod: "web-1", container: "web");
        var batch = Batch(
            (source, 0, At(0), LogStream.Stdout, LogRecordFlags.None, "one"),
            (source, 4, At(1), LogStream.Stdout, LogRecordFlags.None, "two"),
            (source, 8, At(2), LogStream.Stderr, LogRecordFlags.None, "three"));

        Assert.Equal(new EmbeddedLogWriteResult(3, 0, 0), await _store.Store.WriteAsync(batch, CancellationToken.None));
        Assert.Equal(3, _store.Scalar("SELECT COUNT(*) FROM logs"));
        _store.AssertFtsInSync();
    }

    [Fact]
    public async Task Replayed_batch_stores_nothing_twice_and_leaves_the_index_unchanged()
    {
        var source = Source("a", pod: "web-1", container: "web");
        var batch = Batch(
            (source, 0, At(0), LogStream.Stdout, LogRecordFlags.None, "connection refused"),
            (source, 19, At(1), LogStream.Stdout, LogRecordFlags.None, "connection reset by peer"));
        Assert.Equal(2, (await _store.Store.WriteAsync(batch, CancellationToken.None)).Stored);
        var tokens = _store.FtsTokenCount();

        var replayed = await _store.Store.WriteAsync(batch, CancellationToken.None);

        Assert.Equal(new EmbeddedLogWriteResult(0, 2, 0), replayed);
        Assert.Equal(2, _store.Scalar("SELECT COUNT(*) FROM logs"));
        Assert.Equal(tokens, _store.FtsTokenCount());
        _store.AssertFtsInSync();
        Assert.Equal(2, (await _store.SearchAsync("connection")).Total);
    }

    [Fact]
    public async Task Batch_overlapping_a_stored_one_counts_only_its_new_records()
    {
        var source = Source("a");
        await _store.Store.WriteAsync(Batch((source, 0, At(0), LogStream.Stdout, LogRecordFlags.None, "first")), CancellationToken.None);

        var stored = await _store.Store.WriteAsync(
            Batch(
                (source, 0, At(0), LogStream.Stdout, LogRecordFlags.None, "first"),
                (source, 6, At(1), LogStream.Stdout, LogRecordFlags.None, "second")),
            CancellationToken.None);

        Assert.Equal(new EmbeddedLogWriteResult(1, 1, 0), stored);
        Assert.Equal(2, _store.Scalar("SELECT COUNT(*) FROM logs"));
        _store.AssertFtsInSync();
    }

    [Fact]
    public async Task Concurrent_writers_are_serialized_and_lose_nothing()
    {
        var batches = Enumerable.Range(0, 8).Select(w =>
        {
            var source = Source($"writer-{w}");
            return Batch(Enumerable.Range(0, 500)
                .Select(i => (source, (long)i * 80, At(i), LogStream.Stdout, LogRecordFlags.None, $"writer {w} line {i}"))
                .ToArray());
        }).ToArray();

        var stored = await Task.WhenAll(batches.Select(b => Task.Run(() => _store.Store.WriteAsync(b, CancellationToken.None))));

        Assert.All(stored, result => Assert.Equal(500, result.Stored));
        Assert.Equal(4_000, _store.Scalar("SELECT COUNT(*) FROM logs"));
        Assert.Equal(4_000, (await _store.SearchAsync("line", limit: 0)).Total);
        _store.AssertFtsInSync();
    }

    [Fact]
    public async Task Empty_batch_stores_nothing()
    {
        Assert.Equal(default, await _store.Store.WriteAsync(Batch(), CancellationToken.None));
    }

    [Fact]
    public async Task Record_is_stored_with_its_tenant_metadata_and_message()
    {
        var source = Source("a", "shop", "web-1", "web");
        await _store.Store.WriteAsync(
            Batch((source, 42, At(3), LogStream.Stderr, LogRecordFlags.Truncated | LogRecordFlags.Joined, "caf\u00e9 \u2603 line\n")),
            CancellationToken.None);

        using var connection = _store.OpenRaw();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, ts, tenant, namespace, pod, pod_id, container, container_id, host, stream, log, flags, fields FROM logs";
        using var reader = command.ExecuteReader();
        Assert.True(reader.Read());
        Assert.Equal("file-a-42", reader.GetString(0));
        Assert.Equal(At(3), reader.GetInt64(1));
        Assert.Equal("tenant-a", reader.GetString(2));
        Assert.Equal("shop", reader.GetString(3));
        Assert.Equal("web-1", reader.GetString(4));
        Assert.Equal("uid-web-1", reader.GetString(5));
        Assert.Equal("web", reader.GetString(6));
        Assert.Equal("cid-web", reader.GetString(7));
        Assert.Equal("node-3", reader.GetString(8));
        Assert.Equal("stderr", reader.GetString(9));
        Assert.Equal("caf\u00e9 \u2603 line\n", reader.GetString(10));
        Assert.Equal(9, reader.GetInt32(11));
        Assert.True(reader.IsDBNull(12));
    }

    [Fact]
    public async Task Store_reopens_an_existing_file_with_its_records()
    {
        var source = Source("a");
        await _store.Store.WriteAsync(Batch((source, 0, At(0), LogStream.Stdout, LogRecordFlags.None, "kept across restarts")), CancellationToken.None);
        var path = _store.Store.DatabasePath;
        await _store.Store.DisposeAsync();

        await using var reopened = new Pipeline.Grains.Store.Embedded.EmbeddedLogStore(
            Microsoft.Extensions.Options.Options.Create(new Pipeline.Grains.Store.Embedded.EmbeddedLogStoreOptions { DatabasePath = path }),
            _store.Clock,
            Microsoft.Extensions.Logging.Abstractions.NullLogger<Pipeline.Grains.Store.Embedded.EmbeddedLogStore>.Instance);
        var result = await reopened.SearchAsync(Pipeline.Grains.Search.Kql.KqlParser.Parse("restarts"), long.MinValue, long.MaxValue, 10, CancellationToken.None);
        Assert.Equal(1, result.Total);
        Assert.Equal(new EmbeddedLogWriteResult(0, 1, 0), await reopened.WriteAsync(Batch((source, 0, At(0), LogStream.Stdout, LogRecordFlags.None, "kept across restarts")), CancellationToken.None));
    }

    [Fact]
    public async Task Search_on_a_store_never_written_finds_nothing()
    {
        var result = await _store.SearchAsync("anything");

        Assert.Equal(0, result.Total);
        Assert.Empty(result.Hits);
    }

    [Fact]
    public async Task Disposed_store_refuses_writes()
    {
        await _store.Store.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => _store.Store.WriteAsync(Batch(), CancellationToken.None));
    }

    [Fact]
    public async Task Cancelled_write_stores_nothing()
    {
        var source = Source("a");
        var batch = Batch(Enumerable.Range(0, 1_000)
            .Select(i => (source, (long)i, At(i), LogStream.Stdout, LogRecordFlags.None, $"line {i}"))
            .ToArray());
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _store.Store.WriteAsync(batch, cancelled.Token));

        Assert.Equal(0, (await _store.SearchAsync("*", limit: 0)).Total);
    }
}
