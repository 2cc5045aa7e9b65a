using Orleans.Placement;
using Orleans.Runtime;

namespace R2M.Orleans;

/// <summary>Places a grain on the silo whose address (<see cref="SiloAddress.ToParsableString"/>) is the grain's key.</summary>
[GenerateSerializer, Immutable]
public sealed class SiloKeyPlacement : PlacementStrategy;

/// <summary>Marks a grain class for <see cref="SiloKeyPlacement"/>: one activation per silo, on that silo.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class SiloKeyPlacementAttribute() : PlacementAttribute(new SiloKeyPlacement());
