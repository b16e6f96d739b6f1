namespace Pipeline.Grains.Placement;

/// <summary>
/// Places a target grain on the silo its discovery grain chose (passed in the request context as
/// <see cref="SiloHintKey"/>), or by rendezvous hashing of its key over the silos when there is no hint.
/// </summary>
[Serializable, GenerateSerializer, Immutable, SuppressReferenceTracking, Alias("pipeline.TargetPlacement")]
public sealed class TargetPlacement : PlacementStrategy
{
    /// <summary>Request-context key holding the chosen silo's <see cref="SiloAddress.ToParsableString"/>.</summary>
    public const string SiloHintKey = "pipeline.target-silo";

    public static readonly TargetPlacement Instance = new();
}

/// <summary>Marks a grain to be placed by <see cref="TargetPlacement"/>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class TargetPlacementAttribute : Orleans.Placement.PlacementAttribute
{
    public TargetPlacementAttribute()
        : base(TargetPlacement.Instance)
    {
    }
}
