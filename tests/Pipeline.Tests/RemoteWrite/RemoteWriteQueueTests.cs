using System.Diagnostics.Metrics;
using System.Text;
using Pipeline.Grains.RemoteWrite;
using Pipeline.Tests.Support;
using Xunit;
using static Pipeline.Tests.RemoteWrite.RemoteWriteTestSeries;

namespace Pipeline.Tests.RemoteWrite;

/// <summary>
/// The remote write queue against a real HTTP receiver that decodes snappy + protobuf. Batch
/// deadlines are an hour unless a test says otherwise, so a request leaves only when it is full
/// or when the queue stops: request sizes are exact, never timing-dependent.
/// </summary>
public sealed class RemoteWriteQueueTests
{
    private const long T0 = 1_764_064_800_000;

    [Fact]
    public async Task Samples_arrive_with_their_exact_series_labels_and_values()
    {
        await using var receiver = await RemoteWriteReceiver.StartAsync();
        var up = Series("up", "job", "node", "instance", "10.0.0.1:9100");
        var memory = Series("container_memory_working_set_bytes", "namespace", "shop", "pod", "cart-1", "container", "cart");
        var stale = BitConverter.Int64BitsToDouble(0x7ff0000000000002);
        RemoteWriteSample[] samples =
        [
            new(up, T0, 1), new(memory, T0, 123_456_789), new(up, T0 + 15_000, 0), new(memory, T0 + 15_000, stale),
        ];

        await using (var queue = NewQueue(receiver, Queue(shards: 3)))
        {
            Assert.Equal(4, queue.TryEnqueue(samples));
            await queue.StopAsync();
            Assert.Equal(new RemoteWriteCounters
            {
                SamplesEnqueued = 4, SamplesSent = 4, Requests = receiver.Requests.Count, BytesSent = queue.Counters.BytesSent,
            }, queue.Counters);
        }

        var received = receiver.Samples;
        Assert.Equal(4, received.Count);
        Assert.Equal(
            new[] { (Text(up), T0, 1d), (Text(up), T0 + 15_000, 0d) },
            received.Where(s => s.Series == Text(up)).Select(s => (s.Series, s.TimestampMs, s.Value)));
        var memorySamples = received.Where(s => s.Series == Text(memory)).ToList();
        Assert.Equal([T0, T0 + 15_000], memorySamples.Select(s => s.TimestampMs));
        Assert.Equal(123_456_789d, memorySamples[0].Value);
        Assert.Equal(0x7ff0000000000002, BitConverter.DoubleToInt64Bits(memorySamples[1].Value));
        Assert.All(receiver.Requests, r => Assert.Null(r.DecodeError));
    }

    [Fact]
    public async Task Samples_of_a_series_stay_in_order_across_shards()
    {
        await using var receiver = await RemoteWriteReceiver.StartAsync();
        var series = Enumerable.Range(0, 60).Select(i => Series("requests_total", "pod", $"api-{i}")).ToArray();
        await using var queue = NewQueue(receiver, Queue(shards: 4, perSend: 7));

        for (var t = 0; t < 25; t++)
        {
            foreach (var labels in series)
            {
                Assert.True(queue.TryEnqueue(new RemoteWriteSample(labels, T0 + (t * 1000), t)));
            }
        }

        await queue.StopAsync();

        var received = receiver.Samples;
        Assert.Equal(60 * 25, received.Count);
        foreach (var group in received.GroupBy(s => s.Series))
        {
            Assert.Equal(Enumerable.Range(0, 25).Select(t => T0 + (t * 1000)), group.Select(s => s.TimestampMs));
        }

        // Each series has one shard, and the shards really shared the work.
        Assert.True(received.Select(s => s.Series).Distinct().Select(s => QueueShard(s, series)).Distinct().Count() > 1);
    }

    [Fact]
    public async Task A_request_holds_at_most_max_samples_per_send()
    {
        await using var receiver = await RemoteWriteReceiver.StartAsync();
        var labels = Series("up", "job", "node");
        await using (var queue = NewQueue(receiver, Queue(perSend: 7)))
        {
            for (var i = 0; i < 100; i++)
            {
                queue.TryEnqueue(new RemoteWriteSample(labels, T0 + i, i));
            }

            await queue.StopAsync();
        }

        // Full requests while samples keep coming, the rest at the stop.
        Assert.Equal([.. Enumerable.Repeat(7, 14), 2], receiver.Requests.Select(r => r.SampleCount));
        Assert.Equal(Enumerable.Range(0, 100).Select(i => T0 + i), receiver.Samples.Select(s => s.TimestampMs));
    }

    [Fact]
    public async Task A_partial_batch_leaves_at_the_batch_send_deadline()
    {
        await using var receiver = await RemoteWriteReceiver.StartAsync();
        var clock = new ManualTimers();
        await using var queue = NewQueue(receiver, Queue(perSend: 100, deadline: TimeSpan.FromSeconds(5)), clock);

        queue.TryEnqueue(new RemoteWriteSample(Series("up"), T0, 1));
        await Eventually.Until(() => Task.FromResult(clock.DueTimes), d => d.Any(t => t > TimeSpan.Zero && t <= TimeSpan.FromSeconds(5)), "the batch deadline timer");
        Assert.Empty(receiver.Requests);

        clock.Advance(TimeSpan.FromSeconds(5));
        await receiver.WaitForRequestsAsync(1);

        Assert.Equal(1, Assert.Single(receiver.Requests).SampleCount);
    }

    [Fact]
    public async Task Server_errors_are_retried_until_the_receiver_accepts()
    {
        await using var receiver = await RemoteWriteReceiver.StartAsync();
        receiver.Fail(503, times: 2);
        receiver.Fail(500);
        await using var queue = NewQueue(receiver, Queue());

        queue.TryEnqueue(Enumerable.Range(0, 10).Select(i => new RemoteWriteSample(Series("up"), T0 + i, i)).ToArray());
        await queue.StopAsync();

        Assert.Equal([503, 503, 500, 204], receiver.Requests.Select(r => r.Status));
        Assert.Equal(Enumerable.Range(0, 10).Select(i => T0 + i), receiver.Samples.Select(s => s.TimestampMs));
        var counters = queue.Counters;
        Assert.Equal(10, counters.SamplesSent);
        Assert.Equal(30, counters.SamplesRetried);
        Assert.Equal(4, counters.Requests);
        Assert.Equal(3, counters.FailedRequests);
        Assert.Equal(0, counters.SamplesDropped);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Too_many_requests_is_retried_only_when_retry_on_http_429_is_set(bool retryOn429)
    {
        await using var receiver = await RemoteWriteReceiver.StartAsync();
        receiver.Fail(429);
        await using var queue = NewQueue(receiver, Queue(retryOn429: retryOn429));

        queue.TryEnqueue(Enumerable.Range(0, 5).Select(i => new RemoteWriteSample(Series("up"), T0 + i, i)).ToArray());
        await queue.StopAsync();

        var counters = queue.Counters;
        if (retryOn429)
        {
            Assert.Equal([429, 204], receiver.Requests.Select(r => r.Status));
            Assert.Equal(5, counters.SamplesSent);
            Assert.Equal(5, counters.SamplesRetried);
            Assert.Equal(0, counters.SamplesDropped);
        }
        else
        {
            Assert.Equal([429], receiver.Requests.Select(r => r.Status));
            Assert.Equal(0, counters.SamplesSent);
            Assert.Equal(5, counters.SamplesDroppedRejected);
            Assert.Equal(429, counters.LastRejectedStatus);
        }
    }

    [Fact]
    public async Task Bad_request_is_never_retried_and_its_samples_are_counted_as_dropped()
    {
        await using var receiver = await RemoteWriteReceiver.StartAsync();
        receiver.Fail(400, times: 100);
        var meterName = NewMeterName();
        var dropped = new List<(long Value, string Reason)>();
        using var listener = Listen(meterName, RemoteWriteConstants.SamplesDroppedInstrument, dropped);
        await using var queue = NewQueue(receiver, Queue(perSend: 4), meterName: meterName);

        queue.TryEnqueue(Enumerable.Range(0, 10).Select(i => new RemoteWriteSample(Series("up", "i", i.ToString()), T0, i)).ToArray());
        await queue.StopAsync();

        Assert.Equal([4, 4, 2], receiver.Requests.Select(r => r.SampleCount)); // each batch tried once
        Assert.All(receiver.Requests, r => Assert.Equal(400, r.Status));
        var counters = queue.Counters;
        Assert.Equal(10, counters.SamplesDroppedRejected);
        Assert.Equal(0, counters.SamplesRetried);
        Assert.Equal(400, counters.LastRejectedStatus);
        Assert.Equal(10, dropped.Where(d => d.Reason == RemoteWriteConstants.DropRejected).Sum(d => d.Value));
    }

    [Fact]
    public async Task Retry_after_from_the_receiver_sets_the_retry_delay()
    {
        await using var receiver = await RemoteWriteReceiver.StartAsync();
        receiver.Fail(503, retryAfter: "120");
        var clock = new ManualTimers();
        await using var queue = NewQueue(receiver, Queue(), clock);

        queue.TryEnqueue(new RemoteWriteSample(Series("up"), T0, 1));
        var stop = queue.StopAsync();
        await Eventually.Until(() => Task.FromResult(clock.DueTimes), d => d.Contains(TimeSpan.FromSeconds(120)), "a 120 s retry delay");
        Assert.Single(receiver.Requests);

        clock.Advance(TimeSpan.FromSeconds(120));
        await stop;

        Assert.Equal([503, 204], receiver.Requests.Select(r => r.Status));
    }

    [Fact]
    public async Task Retry_delays_grow_from_min_backoff_to_max_backoff()
    {
        await using var receiver = await RemoteWriteReceiver.StartAsync();
        receiver.Fail(503, times: 4);
        var clock = new ManualTimers();
        await using var queue = NewQueue(receiver, Queue(minBackoff: TimeSpan.FromMilliseconds(100), maxBackoff: TimeSpan.FromMilliseconds(300)), clock);

        queue.TryEnqueue(new RemoteWriteSample(Series("up"), T0, 1));
        var stop = queue.StopAsync();
        var delays = new List<TimeSpan>();
        for (var attempt = 1; attempt <= 4; attempt++)
        {
            var seen = await Eventually.Until(() => Task.FromResult(RetryDelays(clock)), d => d.Count == attempt, $"retry delay {attempt}");
            delays.Add(seen[^1]);
            clock.Advance(seen[^1]);
        }

        await stop;
        Assert.Equal(5, receiver.Requests.Count);
        Assert.InRange(delays[0], TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(100)); // half of 100 ms is under min_backoff
        Assert.InRange(delays[1], TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(200));
        Assert.InRange(delays[2], TimeSpan.FromMilliseconds(150), TimeSpan.FromMilliseconds(300));
        Assert.InRange(delays[3], TimeSpan.FromMilliseconds(150), TimeSpan.FromMilliseconds(300));
    }

    [Fact]
    public async Task A_full_shard_refuses_samples_and_counts_them()
    {
        await using var receiver = await RemoteWriteReceiver.StartAsync();
        var meterName = NewMeterName();
        var dropped = new List<(long Value, string Reason)>();
        using var listener = Listen(meterName, RemoteWriteConstants.SamplesDroppedInstrument, dropped);
        await using var queue = NewQueue(receiver, Queue(perSend: 5, capacity: 10), meterName: meterName);
        var labels = Series("up");
        receiver.Hold();

        // A full batch goes out and is held by the receiver: the shard is busy and its queue empty.
        Assert.Equal(5, queue.TryEnqueue(Enumerable.Range(0, 5).Select(i => new RemoteWriteSample(labels, T0 + i, i)).ToArray()));
        await receiver.Held;
        var accepted = queue.TryEnqueue(Enumerable.Range(5, 25).Select(i => new RemoteWriteSample(labels, T0 + i, i)).ToArray());

        Assert.Equal(10, accepted);
        Assert.Equal(10, queue.PendingSamples);
        Assert.Equal(15, queue.Counters.SamplesDroppedQueueFull);
        Assert.Equal(15, dropped.Where(d => d.Reason == RemoteWriteConstants.DropQueueFull).Sum(d => d.Value));

        receiver.Release();
        await queue.StopAsync();
        Assert.Equal(Enumerable.Range(0, 15).Select(i => T0 + i), receiver.Samples.Select(s => s.TimestampMs));
        Assert.Equal(15, queue.Counters.SamplesSent);
    }

    [Fact]
    public async Task Stop_sends_every_queued_sample_then_refuses_new_ones()
    {
        await using var receiver = await RemoteWriteReceiver.StartAsync();
        await using var queue = NewQueue(receiver, Queue(shards: 3));
        var series = Enumerable.Range(0, 30).Select(i => Series("up", "pod", $"p{i}")).ToArray();
        for (var i = 0; i < 300; i++)
        {
            queue.TryEnqueue(new RemoteWriteSample(series[i % 30], T0 + i, i));
        }

        Assert.Empty(receiver.Requests); // nothing full, deadline far away
        await queue.StopAsync();

        Assert.Equal(300, receiver.Samples.Count);
        Assert.Equal(0, queue.PendingSamples);
        Assert.False(queue.TryEnqueue(new RemoteWriteSample(series[0], T0 + 1000, 1)));
        Assert.Equal(1, queue.Counters.SamplesDroppedShutdown);
    }

    [Fact]
    public async Task Samples_still_failing_at_the_flush_deadline_are_dropped_and_counted()
    {
        await using var receiver = await RemoteWriteReceiver.StartAsync();
        receiver.Fail(503, times: 1_000_000);
        await using var queue = NewQueue(receiver, Queue(perSend: 4));
        queue.TryEnqueue(Enumerable.Range(0, 10).Select(i => new RemoteWriteSample(Series("up"), T0 + i, i)).ToArray());

        using var deadline = new CancellationTokenSource();
        var stop = queue.StopAsync(deadline.Token);
        await receiver.WaitForRequestsAsync(3);
        await deadline.CancelAsync();
        await stop;

        var counters = queue.Counters;
        Assert.Equal(0, counters.SamplesSent);
        Assert.Equal(10, counters.SamplesDroppedShutdown);
        Assert.Equal(10, counters.SamplesEnqueued);
    }

    [Fact]
    public async Task Requests_carry_the_protocol_headers_extra_headers_and_basic_auth_from_a_password_file()
    {
        await using var receiver = await RemoteWriteReceiver.StartAsync();
        using var directory = new TempDirectory();
        var passwordFile = directory.Combine("password");
        await File.WriteAllTextAsync(passwordFile, "s3cret\n");
        var expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("pipeline:s3cret"));
        receiver.RequireAuthorization(expected);
        var options = new RemoteWriteOptions
        {
            Url = receiver.WriteUrl,
            Headers = [new("X-Scope-OrgID", "team-a")],
            Http = new() { BasicAuthUsername = "pipeline", BasicAuthPasswordFile = passwordFile },
            Queue = Queue(),
        };

        await using (var queue = new RemoteWriteQueue(options, NewMeterName()))
        {
            queue.TryEnqueue(new RemoteWriteSample(Series("up"), T0, 1));
            await queue.StopAsync();
            Assert.Equal(1, queue.Counters.SamplesSent);
        }

        var headers = Assert.Single(receiver.Requests).Headers;
        Assert.Equal("snappy", headers["content-encoding"]);
        Assert.Equal("application/x-protobuf", headers["content-type"]);
        Assert.Equal("0.1.0", headers["x-prometheus-remote-write-version"]);
        Assert.Equal(RemoteWriteConstants.UserAgent, headers["user-agent"]);
        Assert.Equal("team-a", headers["x-scope-orgid"]);
        Assert.Equal(expected, headers["authorization"]);
    }

    [Fact]
    public async Task Bearer_credentials_are_sent_and_a_rotated_token_file_is_read_again()
    {
        await using var receiver = await RemoteWriteReceiver.StartAsync();
        using var directory = new TempDirectory();
        var tokenFile = directory.Combine("token");
        await File.WriteAllTextAsync(tokenFile, "token-1\n");
        var fromFile = new RemoteWriteOptions { Url = receiver.WriteUrl, Http = new() { AuthorizationCredentialsFile = tokenFile }, Queue = Queue(perSend: 1) };
        var inline = new RemoteWriteOptions { Url = receiver.WriteUrl, Name = "inline", Http = new() { AuthorizationCredentials = "token-0" }, Queue = Queue() };

        await using (var queue = new RemoteWriteQueue(inline, NewMeterName()))
        {
            queue.TryEnqueue(new RemoteWriteSample(Series("up"), T0, 1));
            await queue.StopAsync();
        }

        await using (var queue = new RemoteWriteQueue(fromFile, NewMeterName()))
        {
            queue.TryEnqueue(new RemoteWriteSample(Series("up"), T0 + 1, 1));
            await receiver.WaitForRequestsAsync(2);
            await File.WriteAllTextAsync(tokenFile, "token-2");
            queue.TryEnqueue(new RemoteWriteSample(Series("up"), T0 + 2, 1));
            await queue.StopAsync();
        }

        Assert.Equal(["Bearer token-0", "Bearer token-1", "Bearer token-2"], receiver.Requests.Select(r => r.Headers["authorization"]));
    }

    [Fact]
    public async Task Samples_older_than_sample_age_limit_are_dropped_before_sending()
    {
        await using var receiver = await RemoteWriteReceiver.StartAsync();
        var clock = new ManualTimers();
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        await using var queue = NewQueue(receiver, Queue(sampleAgeLimit: TimeSpan.FromMinutes(10)), clock);

        queue.TryEnqueue([new(Series("up"), now - 3_600_000, 1), new(Series("up"), now - 60_000, 2), new(Series("up"), now, 3)]);
        await queue.StopAsync();

        Assert.Equal([2d, 3d], receiver.Samples.Select(s => s.Value));
        Assert.Equal(1, queue.Counters.SamplesDroppedTooOld);
    }

    [Fact]
    public async Task Network_errors_are_retried_through_the_given_handler()
    {
        await using var receiver = await RemoteWriteReceiver.StartAsync();
        using var handler = new FlakyNetworkHandler(failures: 2);
        var options = new RemoteWriteOptions { Url = receiver.WriteUrl, Queue = Queue() };
        await using var queue = new RemoteWriteQueue(options, NewMeterName(), handler: handler);

        queue.TryEnqueue(new RemoteWriteSample(Series("up"), T0, 1));
        await queue.StopAsync();

        Assert.Equal(3, handler.Attempts);
        Assert.Single(receiver.Requests);
        Assert.Equal((1L, 2L, 2L), (queue.Counters.SamplesSent, queue.Counters.SamplesRetried, queue.Counters.FailedRequests));
    }

    [Fact]
    public void Invalid_options_are_refused_with_the_key_to_change()
    {
        var options = new RemoteWriteOptions { Url = new Uri("http://127.0.0.1:9/api/v1/write"), Queue = new RemoteWriteQueueOptions { MinShards = 5, MaxShards = 2 } };

        var error = Assert.Throws<ArgumentException>(() => new RemoteWriteQueue(options, NewMeterName()));

        Assert.Contains("queue_config.min_shards", error.Message, StringComparison.Ordinal);
    }

    private static RemoteWriteQueueOptions Queue(
        int shards = 1,
        int perSend = 1000,
        int capacity = 10_000,
        TimeSpan? deadline = null,
        bool retryOn429 = false,
        TimeSpan? minBackoff = null,
        TimeSpan? maxBackoff = null,
        TimeSpan? sampleAgeLimit = null) => new()
        {
            MaxShards = shards,
            MaxSamplesPerSend = perSend,
            Capacity = capacity,
            BatchSendDeadline = deadline ?? TimeSpan.FromHours(1),
            RetryOnHttp429 = retryOn429,
            MinBackoff = minBackoff ?? TimeSpan.FromMilliseconds(1),
            MaxBackoff = maxBackoff ?? TimeSpan.FromMilliseconds(5),
            SampleAgeLimit = sampleAgeLimit ?? TimeSpan.Zero,
        };

    private static RemoteWriteQueue NewQueue(RemoteWriteReceiver receiver, RemoteWriteQueueOptions queue, TimeProvider? clock = null, string? meterName = null) =>
        new(new RemoteWriteOptions { Url = receiver.WriteUrl, Name = "test", RemoteTimeout = TimeSpan.FromHours(1), Queue = queue }, meterName ?? NewMeterName(), clock);

    private static string NewMeterName() => $"Pipeline.Tests.RemoteWrite.{Guid.NewGuid():N}";

    private static int QueueShard(string seriesText, RemoteWriteSeries[] series) =>
        RemoteWriteQueue.ShardOf(series.First(s => Text(s) == seriesText), 4);

    // Timers other than the hour-long batch deadlines and request timeouts are retry delays.
    private static List<TimeSpan> RetryDelays(ManualTimers clock) => [.. clock.DueTimes.Where(d => d > TimeSpan.Zero && d < TimeSpan.FromHours(1))];

    private static MeterListener Listen(string meterName, string instrument, List<(long Value, string Reason)> into)
    {
        var listener = new MeterListener
        {
            InstrumentPublished = (i, l) =>
            {
                if (i.Meter.Name == meterName && i.Name == instrument)
                {
                    l.EnableMeasurementEvents(i);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            var reason = "";
            foreach (var tag in tags)
            {
                if (tag.Key == "reason")
                {
                    reason = (string)tag.Value!;
                }
            }

            lock (into)
            {
                into.Add((value, reason));
            }
        });
        listener.Start();
        return listener;
    }
}
