using Pipeline.Contracts.Logs;
using Pipeline.Grains.Batching;
using Pipeline.Grains.Store.Embedded;
using Pipeline.Tests.Logging;
using Xunit;
using static Pipeline.Tests.EmbeddedStore.TemporaryLogStore;

namespace Pipeline.Tests.EmbeddedStore;

/// <summary>
/// Records whose own time is already past the retention when they arrive (a backfill, a node whose
/// clock is behind) are refused and counted, never stored only for the next retention run to delete.
/// </summary>
public sealed class EmbeddedLogStoreOldRecordTests : IAsyncLifetime
{
    private const int RefusedEvent = 7;

    private readonly RecordingLogger<EmbeddedLogStore> _logger = new();
    private readonly TemporaryLogStore _store;

    public EmbeddedLogStoreOldRecordTests() => _store = new(now: BaseTime, retentionDays: 7, logger: _logger);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _store.DisposeAsync();

    [Fact]
    public async Task A_record_stamped_past_the_retention_is_refused_and_counted_and_the_rest_of_its_batch_is_stored()
    {
        var source = Source("a");
        var cutoff = BaseTime.AddDays(-7);
        var result = await _store.Store.WriteAsync(
            Batch(
                (source, 0, Nanos(BaseTime.AddDays(-30)), LogStream.Stdout, LogRecordFlags.None, "backfilled thirty days ago"),
                (source, 1, Nanos(cutoff) - 1, LogStream.Stdout, LogRecordFlags.None, "one nanosecond too old"),
                (source, 2, Nanos(cutoff), LogStream.Stdout, LogRecordFlags.None, "exactly at the cutoff"),
                (source, 3, Nanos(BaseTime), LogStream.Stdout, LogRecordFlags.None, "fresh")),
            CancellationToken.None);

        Assert.Equal(new EmbeddedLogWriteResult(Stored: 2, Duplicates: 0, OlderThanRetention: 2), result);
        Assert.Equal(["file-a-3", "file-a-2"], (await _store.SearchAsync("*")).Hits.Select(h => h.Id));
        Assert.Equal(0, (await _store.SearchAsync("backfilled or nanosecond")).Total);
        _store.AssertFtsInSync();
        // Nothing stored was already due for deletion.
        Assert.Equal(0, await _store.Store.ApplyRetentionAsync(CancellationToken.None));
    }

    [Fact]
    public async Task A_replayed_record_that_aged_past_the_retention_meanwhile_is_refused_not_a_duplicate()
    {
        var batch = Batch((Source("a"), 0, Nanos(BaseTime), LogStream.Stdout, LogRecordFlags.None, "stored once"));
        Assert.Equal(new EmbeddedLogWriteResult(1, 0, 0), await _store.Store.WriteAsync(batch, CancellationToken.None));

        _store.Clock.Advance(TimeSpan.FromDays(8));

        Assert.Equal(new EmbeddedLogWriteResult(0, 0, 1), await _store.Store.WriteAsync(batch, CancellationToken.None));
    }

    [Fact]
    public async Task Refusals_are_logged_at_most_once_a_minute_with_the_count_since_the_last_line()
    {
        var source = Source("a");
        var offset = 0L;
        LogBatch OldBatch(int records) => Batch([.. Enumerable.Range(0, records)
            .Select(_ => (source, offset++, Nanos(BaseTime.AddDays(-30)), LogStream.Stdout, LogRecordFlags.None, "old"))]);

        await _store.Store.WriteAsync(OldBatch(500), CancellationToken.None);
        _store.Clock.Advance(TimeSpan.FromSeconds(20));
        await _store.Store.WriteAsync(OldBatch(3), CancellationToken.None);
        _store.Clock.Advance(TimeSpan.FromSeconds(20));
        await _store.Store.WriteAsync(OldBatch(4), CancellationToken.None);
        _store.Clock.Advance(TimeSpan.FromSeconds(20));
        await _store.Store.WriteAsync(OldBatch(5), CancellationToken.None);

        var refused = _logger.Entries.Where(e => e.EventId == RefusedEvent).Select(e => e.Message).ToList();
        Assert.Equal(2, refused.Count);
        Assert.StartsWith("Refused 500 records older than the 7-day retention (oldest 2026-10-26T10:00:00.000000000Z, cutoff 2026-11-18T10:00:00.000000000Z)", refused[0], StringComparison.Ordinal);
        Assert.StartsWith("Refused 12 records older than the 7-day retention", refused[1], StringComparison.Ordinal);
        Assert.Contains("pipeline_store_records_rejected_total", refused[1], StringComparison.Ordinal);
    }
}
