using Pipeline.Grains.RemoteWrite.Protocol;

namespace Pipeline.Tests.RemoteWrite;

/// <summary>One request the <see cref="RemoteWriteReceiver"/> got: its headers (lower-case names), the decoded body and the status it answered.</summary>
internal sealed record RemoteWriteReceivedRequest(int Sequence, IReadOnlyDictionary<string, string> Headers, WriteRequest? Body, int Status, string? DecodeError)
{
    public int SampleCount => Body?.Timeseries.Sum(t => t.Samples.Count) ?? 0;
}
