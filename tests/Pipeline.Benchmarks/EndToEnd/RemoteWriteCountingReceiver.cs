using System.Buffers;
using System.IO.Hashing;
using System.IO.Pipelines;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Snappier;

namespace Pipeline.Benchmarks.EndToEnd;

/// <summary>
/// A remote_write 1.0 receiver on 127.0.0.1 for the scrape bench: it unsnappies each request and
/// walks the protobuf wire format without materialising messages, counting samples (split into the
/// targets' own series and the scraper's synthetic ones such as <c>up</c>), staleness markers, and
/// distinct series (by a 64-bit hash of each series' encoded labels). Cheap enough to sit beside
/// the targets on the bench's own core.
/// </summary>
internal sealed class RemoteWriteCountingReceiver : IAsyncDisposable
{
    private const ulong StaleNaNBits = 0x7ff0000000000002UL;

    private static readonly byte[][] SyntheticNames =
    [
        .. new[]
        {
            "up", "scrape_duration_seconds", "scrape_samples_scraped", "scrape_samples_post_metric_relabeling",
            "scrape_series_added", "scrape_timeout_seconds", "scrape_sample_limit", "scrape_body_size_bytes",
        }.Select(Encoding.UTF8.GetBytes),
    ];

    private static readonly byte[] NameLabel = "__name__"u8.ToArray();

    private readonly WebApplication _app;
    private readonly object _seriesGate = new();
    private HashSet<ulong> _series = [];
    private long _targetSamples;
    private long _syntheticSamples;
    private long _staleMarkers;
    private long _requests;
    private long _failedRequests;
    private long _handlingTicks;

    private RemoteWriteCountingReceiver(WebApplication app)
    {
        _app = app;
    }

    public Uri Url { get; private set; } = null!;

    /// <summary>Samples of series the targets exposed (staleness markers not counted).</summary>
    public long TargetSamples => Interlocked.Read(ref _targetSamples);

    /// <summary>Samples of the scraper's own per-target series: up, scrape_duration_seconds, …</summary>
    public long SyntheticSamples => Interlocked.Read(ref _syntheticSamples);

    public long StaleMarkers => Interlocked.Read(ref _staleMarkers);

    public long Requests => Interlocked.Read(ref _requests);

    public long FailedRequests => Interlocked.Read(ref _failedRequests);

    /// <summary>Time spent decoding and counting requests (body reads excluded), for telling a slow receiver from a slow sender.</summary>
    public TimeSpan HandlingTime => System.Diagnostics.Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _handlingTicks));

    public int DistinctSeries
    {
        get
        {
            lock (_seriesGate)
            {
                return _series.Count;
            }
        }
    }

    public static async Task<RemoteWriteCountingReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = 256 * 1024 * 1024;
            kestrel.Listen(IPAddress.Loopback, 0);
        });
        var app = builder.Build();
        var receiver = new RemoteWriteCountingReceiver(app);
        app.MapPost("/api/v1/write", receiver.ReceiveAsync);
        await app.StartAsync();
        receiver.Url = new Uri(new Uri(app.Urls.First()), "/api/v1/write");
        return receiver;
    }

    /// <summary>Forgets everything received, for the next system's run.</summary>
    public void Reset()
    {
        lock (_seriesGate)
        {
            _series = [];
        }

        Interlocked.Exchange(ref _targetSamples, 0);
        Interlocked.Exchange(ref _syntheticSamples, 0);
        Interlocked.Exchange(ref _staleMarkers, 0);
        Interlocked.Exchange(ref _requests, 0);
        Interlocked.Exchange(ref _failedRequests, 0);
        Interlocked.Exchange(ref _handlingTicks, 0);
    }

    private async Task ReceiveAsync(HttpContext context)
    {
        Interlocked.Increment(ref _requests);
        var reader = context.Request.BodyReader;
        ReadResult read;
        while (true)
        {
            read = await reader.ReadAsync();
            if (read.IsCompleted)
            {
                break;
            }

            reader.AdvanceTo(read.Buffer.Start, read.Buffer.End);
        }

        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var compressed = ArrayPool<byte>.Shared.Rent((int)read.Buffer.Length);
        byte[]? protobuf = null;
        try
        {
            read.Buffer.CopyTo(compressed);
            var length = (int)read.Buffer.Length;
            reader.AdvanceTo(read.Buffer.End);
            var size = Snappy.GetUncompressedLength(compressed.AsSpan(0, length));
            protobuf = ArrayPool<byte>.Shared.Rent(size);
            var written = Snappy.Decompress(compressed.AsSpan(0, length), protobuf);
            Count(protobuf.AsSpan(0, written));
            context.Response.StatusCode = StatusCodes.Status204NoContent;
        }
        catch (Exception e) when (e is InvalidDataException or ArgumentException or IndexOutOfRangeException)
        {
            Interlocked.Increment(ref _failedRequests);
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(compressed);
            Interlocked.Add(ref _handlingTicks, System.Diagnostics.Stopwatch.GetTimestamp() - started);
            if (protobuf is not null)
            {
                ArrayPool<byte>.Shared.Return(protobuf);
            }
        }
    }

    /// <summary>Walks a WriteRequest: field 1 is a TimeSeries (labels = 1, samples = 2); anything else is skipped.</summary>
    private void Count(ReadOnlySpan<byte> request)
    {
        long target = 0, synthetic = 0, stale = 0;
        var hashes = new List<ulong>(2048);
        var position = 0;
        while (position < request.Length)
        {
            var tag = ReadVarint(request, ref position);
            if (tag != ((1 << 3) | 2))
            {
                Skip(request, ref position, (int)(tag & 7));
                continue;
            }

            var length = (int)ReadVarint(request, ref position);
            var series = request.Slice(position, length);
            position += length;

            var hash = new XxHash3();
            var isSynthetic = false;
            var samples = 0;
            var inner = 0;
            while (inner < series.Length)
            {
                var innerTag = ReadVarint(series, ref inner);
                if ((innerTag & 7) != 2)
                {
                    Skip(series, ref inner, (int)(innerTag & 7));
                    continue;
                }

                var innerLength = (int)ReadVarint(series, ref inner);
                var field = series.Slice(inner, innerLength);
                inner += innerLength;
                if (innerTag >> 3 == 1)
                {
                    hash.Append(field);
                    isSynthetic |= IsSyntheticName(field);
                }
                else if (innerTag >> 3 == 2)
                {
                    if (IsStale(field))
                    {
                        stale++;
                    }
                    else
                    {
                        samples++;
                    }
                }
            }

            if (isSynthetic)
            {
                synthetic += samples;
            }
            else
            {
                target += samples;
            }

            hashes.Add(hash.GetCurrentHashAsUInt64());
        }

        lock (_seriesGate)
        {
            foreach (var hash in hashes)
            {
                _series.Add(hash);
            }
        }

        Interlocked.Add(ref _targetSamples, target);
        Interlocked.Add(ref _syntheticSamples, synthetic);
        Interlocked.Add(ref _staleMarkers, stale);
    }

    /// <summary>A Label message whose name is __name__ and whose value is one of the scraper's synthetic series.</summary>
    private static bool IsSyntheticName(ReadOnlySpan<byte> label)
    {
        var position = 0;
        ReadOnlySpan<byte> name = default, value = default;
        while (position < label.Length)
        {
            var tag = ReadVarint(label, ref position);
            var length = (int)ReadVarint(label, ref position);
            if (tag >> 3 == 1)
            {
                name = label.Slice(position, length);
            }
            else if (tag >> 3 == 2)
            {
                value = label.Slice(position, length);
            }

            position += length;
        }

        if (!name.SequenceEqual(NameLabel))
        {
            return false;
        }

        foreach (var synthetic in SyntheticNames)
        {
            if (value.SequenceEqual(synthetic))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A Sample message (value = 1, fixed64) holding Prometheus's staleness NaN.</summary>
    private static bool IsStale(ReadOnlySpan<byte> sample)
    {
        var position = 0;
        while (position < sample.Length)
        {
            var tag = ReadVarint(sample, ref position);
            if (tag == ((1 << 3) | 1))
            {
                return BitConverter.ToUInt64(sample.Slice(position, 8)) == StaleNaNBits;
            }

            Skip(sample, ref position, (int)(tag & 7));
        }

        return false;
    }

    private static ulong ReadVarint(ReadOnlySpan<byte> data, ref int position)
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            var b = data[position++];
            value |= (ulong)(b & 0x7f) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }

        throw new InvalidDataException("varint longer than 10 bytes");
    }

    private static void Skip(ReadOnlySpan<byte> data, ref int position, int wireType)
    {
        switch (wireType)
        {
            case 0:
                ReadVarint(data, ref position);
                break;
            case 1:
                position += 8;
                break;
            case 2:
                var length = (int)ReadVarint(data, ref position);
                position += length;
                break;
            case 5:
                position += 4;
                break;
            default:
                throw new InvalidDataException($"unexpected wire type {wireType}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
