using System.Text.Unicode;
using Microsoft.Extensions.Options;
using Pipeline.Grains.Batching;

namespace Pipeline.Grains.Collection.Decoding;

/// <summary>
/// Turns the lines of one followed container log file (docker json-file or CRI) into
/// records: joins split lines per stream, caps their size, repairs broken UTF-8 and keeps
/// lines it cannot parse as raw records instead of losing them. Never throws on bad input.
/// One instance per file; not thread-safe.
/// </summary>
/// <remarks>
/// Messages never end in the line's <c>\n</c>: docker keeps it in <c>log</c>, and exactly one
/// trailing <c>\n</c> is stripped so docker and CRI records read the same; stores add nothing
/// back. A <c>\r</c> before it (a program writing CRLF) is part of the message and stays.
/// A joined record takes the offset and time of its first piece.
/// </remarks>
public sealed class ContainerLogDecoder
{
    private readonly int _maxRecordBytes;
    private readonly TimeSpan _partialFlushTimeout;
    private readonly TimeProvider _timeProvider;
    private readonly DockerJsonLineParser _dockerParser = new();
    private readonly PartialRecord _stdoutPartial = new();
    private readonly PartialRecord _stderrPartial = new();
    private byte[] _repairBuffer = [];
    private long _expectedOffset = long.MinValue;

    public ContainerLogDecoder(ContainerLogDecoderOptions options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        var validation = new ContainerLogDecoderOptionsValidator().Validate(null, options);
        if (validation.Failed)
        {
            throw new OptionsValidationException(nameof(ContainerLogDecoderOptions), typeof(ContainerLogDecoderOptions), validation.Failures);
        }

        _maxRecordBytes = options.MaxRecordBytes;
        _partialFlushTimeout = options.PartialFlushTimeout;
        _timeProvider = timeProvider;
    }

    /// <summary>The file's format, decided by its first non-empty line that is docker JSON or CRI.</summary>
    public ContainerLogFormat DetectedFormat { get; private set; }

    /// <summary>
    /// Smallest offset of a piece not yet emitted, or <see cref="long.MaxValue"/> when nothing
    /// is pending. Never commit a file offset past it: a restart would lose the half-joined line.
    /// </summary>
    public long PendingStartOffset => Math.Min(
        _stdoutPartial.IsPending ? _stdoutPartial.StartOffset : long.MaxValue,
        _stderrPartial.IsPending ? _stderrPartial.StartOffset : long.MaxValue);

    /// <summary>Records handed to a sink, of every kind.</summary>
    public long RecordsDecoded { get; private set; }

    /// <summary>Records flagged <see cref="LogRecordFlags.Unparsed"/> (raw lines, or no readable time).</summary>
    public long UnparsedLines { get; private set; }

    /// <summary>Records flagged <see cref="LogRecordFlags.Truncated"/> (by the tailer or the size cap).</summary>
    public long TruncatedRecords { get; private set; }

    /// <summary>Records whose invalid UTF-8 was replaced by U+FFFD.</summary>
    public long Utf8Repairs { get; private set; }

    /// <summary>Records flagged <see cref="LogRecordFlags.Joined"/>, incomplete ones included.</summary>
    public long JoinedRecords { get; private set; }

    /// <summary>Decodes one line of the file.</summary>
    /// <param name="line">The line without its <c>\n</c>.</param>
    /// <param name="offset">Offset of the line's first byte in the file.</param>
    /// <param name="nextOffset">Offset just after the line's <c>\n</c>. A later line starting before it
    /// means the file was truncated in place (copytruncate): pending pieces are then flushed as incomplete.</param>
    /// <param name="truncated">The tailer cut the line at its maximum line size.</param>
    /// <param name="sink">Receives the records this line completes (zero, one or, after a rewind, more).</param>
    public void Decode(ReadOnlySpan<byte> line, long offset, long nextOffset, bool truncated, ILogRecordSink sink)
    {
        ArgumentNullException.ThrowIfNull(sink);
        if (offset < _expectedOffset)
        {
            FlushAll(sink);
        }

        _expectedOffset = nextOffset;
        if (line.IsEmpty || (line.Length == 1 && line[0] == '\r'))
        {
            return;
        }

        var flags = truncated ? LogRecordFlags.Truncated : LogRecordFlags.None;
        switch (DetectedFormat)
        {
            case ContainerLogFormat.DockerJson:
                DecodeDocker(line, offset, flags, sink);
                break;
            case ContainerLogFormat.Cri:
                DecodeCri(line, offset, flags, sink);
                break;
            default:
                if (line[0] == '{')
                {
                    DetectedFormat = ContainerLogFormat.DockerJson;
                    DecodeDocker(line, offset, flags, sink);
                }
                else if (CriLineParser.TryParse(line, out _))
                {
                    DetectedFormat = ContainerLogFormat.Cri;
                    DecodeCri(line, offset, flags, sink);
                }
                else
                {
                    EmitUnparsed(line, offset, flags, sink);
                }

                break;
        }
    }

    /// <summary>Emits partial records whose first piece is older than the flush timeout, flagged <c>Joined | Incomplete</c>.</summary>
    public void FlushExpired(ILogRecordSink sink)
    {
        ArgumentNullException.ThrowIfNull(sink);
        FlushIf(_stdoutPartial, LogStream.Stdout, onlyExpired: true, sink);
        FlushIf(_stderrPartial, LogStream.Stderr, onlyExpired: true, sink);
    }

    /// <summary>Emits every partial record, flagged <c>Joined | Incomplete</c>, in file order (end of a deleted file, shutdown).</summary>
    public void FlushAll(ILogRecordSink sink)
    {
        ArgumentNullException.ThrowIfNull(sink);
        var stderrFirst = _stderrPartial.IsPending && (!_stdoutPartial.IsPending || _stderrPartial.StartOffset < _stdoutPartial.StartOffset);
        if (stderrFirst)
        {
            FlushIf(_stderrPartial, LogStream.Stderr, onlyExpired: false, sink);
        }

        FlushIf(_stdoutPartial, LogStream.Stdout, onlyExpired: false, sink);
        FlushIf(_stderrPartial, LogStream.Stderr, onlyExpired: false, sink);
    }

    private void DecodeDocker(ReadOnlySpan<byte> line, long offset, LogRecordFlags flags, ILogRecordSink sink)
    {
        if (!_dockerParser.TryParse(line, out var entry))
        {
            EmitUnparsed(line, offset, flags, sink);
            return;
        }

        if (entry.SurrogateReplaced)
        {
            flags |= LogRecordFlags.Utf8Repaired;
        }

        var time = entry.TimeUnixNanos;
        if (!entry.HasTime)
        {
            time = NowUnixNanos();
            flags |= LogRecordFlags.Unparsed;
        }

        // Docker ends every complete line's log with \n; a piece without it is one of its 16 KiB splits.
        var message = entry.Log;
        var complete = !message.IsEmpty && message[^1] == '\n';
        if (complete)
        {
            message = message[..^1];
        }

        AddPiece(entry.Stream, offset, time, flags, message, complete, sink);
    }

    private void DecodeCri(ReadOnlySpan<byte> line, long offset, LogRecordFlags flags, ILogRecordSink sink)
    {
        if (!CriLineParser.TryParse(line, out var entry))
        {
            EmitUnparsed(line, offset, flags, sink);
            return;
        }

        AddPiece(entry.Stream, offset, entry.TimeUnixNanos, flags, entry.Message, !entry.IsPartial, sink);
    }

    private void AddPiece(LogStream stream, long offset, long time, LogRecordFlags flags, ReadOnlySpan<byte> message, bool complete, ILogRecordSink sink)
    {
        var partial = stream == LogStream.Stderr ? _stderrPartial : _stdoutPartial;
        if (!partial.IsPending)
        {
            if (complete)
            {
                Emit(offset, time, stream, flags, message, (flags & LogRecordFlags.Truncated) != 0, sink);
                return;
            }

            partial.Start(offset, time, _timeProvider.GetTimestamp());
        }

        partial.Append(message, flags, _maxRecordBytes);
        if (complete)
        {
            EmitPartial(partial, stream, LogRecordFlags.Joined, sink);
        }
    }

    private void FlushIf(PartialRecord partial, LogStream stream, bool onlyExpired, ILogRecordSink sink)
    {
        if (partial.IsPending && (!onlyExpired || _timeProvider.GetElapsedTime(partial.StartedTimestamp) >= _partialFlushTimeout))
        {
            EmitPartial(partial, stream, LogRecordFlags.Joined | LogRecordFlags.Incomplete, sink);
        }
    }

    private void EmitPartial(PartialRecord partial, LogStream stream, LogRecordFlags extraFlags, ILogRecordSink sink)
    {
        Emit(partial.StartOffset, partial.TimeUnixNanos, stream, partial.Flags | extraFlags, partial.Message, partial.EndsInCut, sink);
        partial.Clear();
    }

    private void EmitUnparsed(ReadOnlySpan<byte> line, long offset, LogRecordFlags flags, ILogRecordSink sink)
        => Emit(offset, NowUnixNanos(), LogStream.Stdout, flags | LogRecordFlags.Unparsed, line, (flags & LogRecordFlags.Truncated) != 0, sink);

    private void Emit(long offset, long time, LogStream stream, LogRecordFlags flags, ReadOnlySpan<byte> message, bool endsInCut, ILogRecordSink sink)
    {
        if (message.Length > _maxRecordBytes)
        {
            message = message[.._maxRecordBytes];
            flags |= LogRecordFlags.Truncated;
            endsInCut = true;
        }

        if (endsInCut)
        {
            message = Utf8Repair.TrimCutSequence(message);
        }

        if (!Utf8.IsValid(message))
        {
            var needed = Utf8Repair.MaxRepairedLength(message.Length);
            if (_repairBuffer.Length < needed)
            {
                _repairBuffer = new byte[Math.Max(needed, _repairBuffer.Length * 2)];
            }

            message = _repairBuffer.AsSpan(0, Utf8Repair.Repair(message, _repairBuffer));
            flags |= LogRecordFlags.Utf8Repaired;
        }

        RecordsDecoded++;
        if ((flags & LogRecordFlags.Unparsed) != 0)
        {
            UnparsedLines++;
        }

        if ((flags & LogRecordFlags.Truncated) != 0)
        {
            TruncatedRecords++;
        }

        if ((flags & LogRecordFlags.Utf8Repaired) != 0)
        {
            Utf8Repairs++;
        }

        if ((flags & LogRecordFlags.Joined) != 0)
        {
            JoinedRecords++;
        }

        sink.Append(offset, time, stream, flags, message);
    }

    private long NowUnixNanos() => (_timeProvider.GetUtcNow().UtcTicks - DateTime.UnixEpoch.Ticks) * TimeSpan.NanosecondsPerTick;
}
