using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Pipeline.Grains.DeadLetters;
using Pipeline.Tests.Support;
using Xunit;

namespace Pipeline.Tests.DeadLetters;

public sealed class DeadLetterStoreTests : IAsyncLifetime
{
    private static readonly DateTimeOffset BaseTime = new(2026, 11, 25, 10, 0, 0, TimeSpan.Zero);

    private readonly TempDirectory _directory = new("deadletters");
    private DeadLetterStore _store = null!;

    public Task InitializeAsync()
    {
        _store = Open();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        _directory.Dispose();
    }

    [Fact]
    public async Task Kept_letters_survive_closing_and_reopening()
    {
        var letter = Letter("file-a-120", at: BaseTime.AddTicks(1234567)) with { Status = 400, Reason = "mapper_parsing_exception: failed to parse field [status] of type [long]" };
        await _store.AddAsync([letter], CancellationToken.None);
        await _store.DisposeAsync();

        _store = Open();
        var page = await _store.ListAsync(null, 10, null, CancellationToken.None);

        Assert.Equal(Path.Combine(_directory.Path, "deadletter.db"), _store.DatabasePath);
        Assert.True(File.Exists(_store.DatabasePath));
        Assert.Equal(1, page.Total);
        Assert.Equal(letter, Assert.Single(page.Letters).Letter);
    }

    [Fact]
    public async Task Same_output_and_id_replaces_the_letter_and_another_output_keeps_its_own()
    {
        await _store.AddAsync([Letter("file-a-1", output: "es") with { Reason = "first" }], CancellationToken.None);
        await _store.AddAsync([Letter("file-a-1", output: "es") with { Reason = "second" }], CancellationToken.None);
        await _store.AddAsync([Letter("file-a-1", output: "archive") with { Reason = "other output" }], CancellationToken.None);

        var page = await _store.ListAsync(null, 10, null, CancellationToken.None);

        Assert.Equal(2, page.Total);
        Assert.Equal(["archive:other output", "es:second"], page.Letters.Select(l => $"{l.Letter.Output}:{l.Letter.Reason}").Order());
    }

    [Fact]
    public async Task A_later_letter_of_the_same_list_wins()
    {
        await _store.AddAsync(
            [Letter("file-a-1") with { Reason = "first" }, Letter("file-a-2"), Letter("file-a-1") with { Reason = "last" }],
            CancellationToken.None);

        var page = await _store.ListAsync(null, 10, null, CancellationToken.None);

        Assert.Equal(2, page.Total);
        Assert.Equal("last", page.Letters.Single(l => l.Letter.Id == "file-a-1").Letter.Reason);
    }

    [Fact]
    public async Task List_is_newest_first_with_the_total_and_filters_by_tenant()
    {
        await _store.AddAsync(
            [
                Letter("r1", tenant: "shop", at: BaseTime.AddMinutes(1)),
                Letter("r2", tenant: "billing", at: BaseTime.AddMinutes(5)),
                Letter("r3", tenant: "shop", at: BaseTime.AddMinutes(3)),
                Letter("r4", tenant: "shop", at: BaseTime.AddMinutes(3)),
                Letter("r5", tenant: "billing", at: BaseTime),
            ],
            CancellationToken.None);

        var all = await _store.ListAsync(null, 3, null, CancellationToken.None);
        var shop = await _store.ListAsync("shop", 10, null, CancellationToken.None);
        var none = await _store.ListAsync("nobody", 10, null, CancellationToken.None);

        Assert.Equal(5, all.Total);
        Assert.Equal(["r2", "r4", "r3"], all.Letters.Select(l => l.Letter.Id));
        Assert.NotNull(all.NextCursor);
        Assert.Equal(3, shop.Total);
        Assert.Equal(["r4", "r3", "r1"], shop.Letters.Select(l => l.Letter.Id));
        Assert.Null(shop.NextCursor);
        Assert.Equal(0, none.Total);
        Assert.Empty(none.Letters);
    }

    [Fact]
    public async Task Pages_follow_the_cursor_without_gaps_or_repeats_while_letters_arrive()
    {
        await _store.AddAsync([.. Enumerable.Range(0, 25).Select(i => Letter($"r{i:00}", at: BaseTime.AddSeconds(i)))], CancellationToken.None);

        var seen = new List<string>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await _store.ListAsync(null, 10, cursor, CancellationToken.None);
            seen.AddRange(page.Letters.Select(l => l.Letter.Id));
            cursor = page.NextCursor;
            pages++;
            if (pages == 1)
            {
                // A newer letter arriving between pages appears on a fresh first page, not in the middle of this walk.
                await _store.AddAsync([Letter("newest", at: BaseTime.AddHours(1))], CancellationToken.None);
            }
        }
        while (cursor is not null);

        Assert.Equal(3, pages);
        Assert.Equal(Enumerable.Range(0, 25).Reverse().Select(i => $"r{i:00}"), seen);
    }

    [Fact]
    public async Task Limit_zero_counts_and_a_foreign_cursor_is_refused()
    {
        await _store.AddAsync([Letter("r1"), Letter("r2")], CancellationToken.None);

        var counted = await _store.ListAsync(null, 0, null, CancellationToken.None);
        var ex = await Assert.ThrowsAsync<ArgumentException>(() => _store.ListAsync(null, 10, "page-2", CancellationToken.None));

        Assert.Equal(2, counted.Total);
        Assert.Empty(counted.Letters);
        Assert.Contains("pass null for the first page", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Counts_are_per_output_and_tenant()
    {
        await _store.AddAsync(
            [
                Letter("r1", output: "es", tenant: "shop"),
                Letter("r2", output: "es", tenant: "shop"),
                Letter("r3", output: "es", tenant: "billing"),
                Letter("r1", output: "archive", tenant: "shop"),
            ],
            CancellationToken.None);

        var counts = await _store.CountAsync(CancellationToken.None);

        Assert.Equal(
            [new DeadLetterCount("archive", "shop", 1), new DeadLetterCount("es", "billing", 1), new DeadLetterCount("es", "shop", 2)],
            counts);
    }

    [Fact]
    public async Task Replay_reads_oldest_first_per_output_and_removes_only_what_was_stored()
    {
        await _store.AddAsync([Letter("r1", output: "es"), Letter("x1", output: "archive"), Letter("r2", output: "es")], CancellationToken.None);
        await _store.AddAsync([Letter("r3", output: "es", at: BaseTime.AddDays(-1))], CancellationToken.None);

        var batch = await _store.ReadOldestAsync("es", 2, 0, CancellationToken.None);
        Assert.Equal(["r1", "r2"], batch.Select(l => l.Letter.Id));

        // r1 stored again, r2 refused again: r2 stays, and the replay goes on past it.
        Assert.Equal(1, await _store.RemoveAsync([batch[0].Sequence], CancellationToken.None));
        var rest = await _store.ReadOldestAsync("es", 2, batch[^1].Sequence, CancellationToken.None);
        Assert.Equal(["r3"], rest.Select(l => l.Letter.Id));
        Assert.Equal(1, await _store.RemoveAsync([rest[0].Sequence], CancellationToken.None));

        var left = await _store.ReadOldestAsync(null, 10, 0, CancellationToken.None);
        Assert.Equal(["x1", "r2"], left.Select(l => l.Letter.Id));
        Assert.Equal(0, await _store.RemoveAsync([batch[0].Sequence], CancellationToken.None));
    }

    [Fact]
    public async Task A_letter_replaced_during_a_replay_is_not_removed_by_it()
    {
        await _store.AddAsync([Letter("r1"), Letter("r2") with { Reason = "old" }], CancellationToken.None);
        var replaying = await _store.ReadOldestAsync(null, 10, 0, CancellationToken.None);

        // The newest row is replaced: a reused sequence would let the replay remove the new letter.
        await _store.AddAsync([Letter("r2") with { Reason = "refused again" }], CancellationToken.None);
        var removed = await _store.RemoveAsync([.. replaying.Select(l => l.Sequence)], CancellationToken.None);

        Assert.Equal(1, removed);
        var left = Assert.Single((await _store.ListAsync(null, 10, null, CancellationToken.None)).Letters);
        Assert.Equal("refused again", left.Letter.Reason);
        Assert.True(left.Sequence > replaying.Max(l => l.Sequence));
    }

    [Fact]
    public async Task Concurrent_adds_are_all_kept_in_a_sound_file()
    {
        const int Writers = 8;
        const int AddsPerWriter = 20;
        const int LettersPerAdd = 5;

        await Task.WhenAll(Enumerable.Range(0, Writers).Select(writer => Task.Run(async () =>
        {
            for (var add = 0; add < AddsPerWriter; add++)
            {
                var letters = Enumerable.Range(0, LettersPerAdd)
                    .Select(i => Letter($"w{writer}-a{add}-{i}", tenant: $"t{writer % 3}", at: BaseTime.AddMilliseconds(add)))
                    .ToList();
                await _store.AddAsync(letters, CancellationToken.None);
            }
        })));

        var total = (await _store.ListAsync(null, 0, null, CancellationToken.None)).Total;
        var counts = await _store.CountAsync(CancellationToken.None);
        await _store.DisposeAsync();

        Assert.Equal(Writers * AddsPerWriter * LettersPerAdd, total);
        Assert.Equal(total, counts.Sum(c => c.Count));
        using var connection = new SqliteConnection($"Data Source={Path.Combine(_directory.Path, DeadLetterStore.FileName)};Pooling=False");
        connection.Open();
        using var check = connection.CreateCommand();
        check.CommandText = "PRAGMA integrity_check";
        Assert.Equal("ok", check.ExecuteScalar());
        _store = Open();
    }

    [Fact]
    public async Task A_disposed_store_refuses_work()
    {
        await _store.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => _store.AddAsync([Letter("r1")], CancellationToken.None));
        _store = Open();
    }

    private DeadLetterStore Open() => new(_directory.Path, NullLogger<DeadLetterStore>.Instance);

    private static DeadLetter Letter(string id, string output = "es", string tenant = "shop", DateTimeOffset? at = null) => new()
    {
        Id = id,
        Output = output,
        Tenant = tenant,
        Reason = "document_parsing_exception: [1:42] failed to parse",
        Status = 400,
        Document = $$"""{"_id":"{{id}}","@timestamp":"2026-11-25T10:00:00.000000000Z","log":"hello","stream":"stdout"}""",
        At = at ?? BaseTime,
    };
}
