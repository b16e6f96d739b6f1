namespace Pipeline.Tests.RemoteWrite;

/// <summary>A sample as decoded by the receiver: the series' labels written <c>name="value",…</c> in wire order, the time and the value.</summary>
public sealed record RemoteWriteReceivedSample(string Series, long TimestampMs, double Value);
