using Orleans.Runtime;
using Orleans.Runtime.Placement;

namespace R2M.Orleans;

/// <summary>
/// Places a <see cref="SiloKeyPlacement"/> grain on the silo named by its key; fails (and the caller re-dispatches)
/// when that silo is not in the cluster.
/// </summary>
internal sealed class SiloKeyPlacementDirector : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        string key = target.GrainIdentity.Key.ToString()!;
        var wanted = SiloAddress.FromParsableString(key);
        var silos = context.GetCompatibleSilos(target);
        return silos.Contains(wanted)
            ? Task.FromResult(wanted)
            : throw new SiloUnavailableException($"Rollout worker silo {key} is not an active member of the cluster.");
    }
}
