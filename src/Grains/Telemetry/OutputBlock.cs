namespace Pipeline.Grains.Telemetry;

/// <summary>Why an output cannot deliver: a short <paramref name="Reason"/> for metrics and the full <paramref name="Message"/> saying what to fix.</summary>
public sealed record OutputBlock(string Output, string Reason, string Message, DateTimeOffset Since);
