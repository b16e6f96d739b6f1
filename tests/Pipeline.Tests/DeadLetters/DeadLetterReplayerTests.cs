using Microsoft.Extensions.Logging.Abstractions;
using Pipeline.Grains.DeadLetters;
using Pipeline.Grains.Outputs;
using Pipeline.Grains.Processing;
using Pipeline.Tests.Support;
using Xunit;

namespace Pipeline.Tests.DeadLetters;

public sealed class DeadLetterReplayerTests : IAsyncDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly DeadLetterStore _store;

    public DeadLetterReplayerTests() => _store = new DeadLetterStore(_directory.Path, NullLogger<DeadLetterStore>.Instance);

    public async ValueTask DisposeAsync()
    {
        await _store.DisposeAsync();
        _directory.Dispose();
    }

    [Fact]
    public async Task Letters_stay_while_their_output_fails_and_leave_once_it_stores_them()
    {
        await _store.AddAsync([Letter("a-1", "es", "shop"), Letter("a-2", "es", "shop"), Letter("b-1", "gone", "payments")], CancellationToken.None);
        var es = new ScriptedOutput("es") { Failure = "connection refused" };
        var replayer = new DeadLetterReplayer(_store, [es]);

        var failed = await replayer.ReplayAsync(null, CancellationToken.None);
        Assert.Equal(0, failed.Replayed);
        Assert.Equal(3, failed.Remaining);
        Assert.Contains(failed.Errors, e => e.Contains("output 'es' failed: connection refused", StringComparison.Ordinal));
        Assert.Contains(failed.Errors, e => e.Contains("output 'gone' is not configured", StringComparison.Ordinal));

        es.Failure = null;
        var replayed = await replayer.ReplayAsync(null, CancellationToken.None);
        Assert.Equal(2, replayed.Replayed);
        Assert.Equal(2, replayed.Stored);
        Assert.Equal(1, replayed.Remaining);
        Assert.Equal(["a-1", "a-2"], es.Written.Select(r => r.Id));
        Assert.Equal("hello a-1", es.Written[0].Log);
        Assert.Equal("b-1", Assert.Single((await _store.ListAsync(null, 10, null, CancellationToken.None)).Letters).Letter.Id);
    }

    [Fact]
    public async Task A_tenant_replay_sends_only_that_tenants_letters()
    {
        await _store.AddAsync([Letter("a-1", "es", "shop"), Letter("b-1", "es", "payments")], CancellationToken.None);
        var es = new ScriptedOutput("es");

        var result = await new DeadLetterReplayer(_store, [es]).ReplayAsync("payments", CancellationToken.None);

        Assert.Equal("b-1", Assert.Single(es.Written).Id);
        Assert.Equal(0, result.Remaining);
        Assert.Equal(1, (await _store.ListAsync("shop", 0, null, CancellationToken.None)).Total);
    }

    [Fact]
    public async Task A_letter_refused_again_stays_with_its_new_reason()
    {
        await _store.AddAsync([Letter("a-1", "es", "shop")], CancellationToken.None);
        var es = new ScriptedOutput("es") { RefuseInto = _store };

        var result = await new DeadLetterReplayer(_store, [es]).ReplayAsync(null, CancellationToken.None);

        Assert.Equal(1, result.RejectedAgain);
        Assert.Equal(1, result.Remaining);
        var kept = Assert.Single((await _store.ListAsync(null, 10, null, CancellationToken.None)).Letters);
        Assert.Equal("still refused", kept.Letter.Reason);
    }

    private static DeadLetter Letter(string id, string output, string tenant) => new()
    {
        Id = id,
        Output = output,
        Tenant = tenant,
        Reason = "mapper_parsing_exception: failed to parse field [status]",
        Status = 400,
        Document = $$$"""{"_id":"{{{id}}}","@timestamp":"2026-11-25T10:00:00.000000000Z","log":"hello {{{id}}}","stream":"stdout","kubernetes":{"namespace_name":"{{{tenant}}}"}}""",
        At = DateTimeOffset.UnixEpoch.AddDays(20000),
    };

    /// <summary>An output that fails, refuses into the dead-letter store, or stores, as the test says.</summary>
    private sealed class ScriptedOutput(string name) : ILogOutput
    {
        public string Name => name;
        public string? Failure { get; set; }
        public DeadLetterStore? RefuseInto { get; set; }
        public List<LogEvent> Written { get; } = [];

        public async Task<OutputResult> WriteAsync(IReadOnlyList<LogEvent> records, CancellationToken cancellation)
        {
            if (Failure is not null)
            {
                throw new HttpRequestException(Failure);
            }

            if (RefuseInto is not null)
            {
                await RefuseInto.AddAsync([.. records.Select(r => Letter(r.Id, name, r.Tenant) with { Reason = "still refused" })], cancellation);
                return new OutputResult(0, 0, records.Count);
            }

            Written.AddRange(records);
            return new OutputResult(records.Count, 0, 0);
        }
    }
}
