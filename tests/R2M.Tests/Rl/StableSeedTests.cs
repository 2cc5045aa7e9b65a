using R2M.Estimators.Rl;

namespace R2M.Tests.Rl;

public class StableSeedTests
{
    [Fact]
    public void Seeds_are_fixed_values_independent_of_the_process()
    {
        // Pinned values: HashCode.Combine would give different ones in every process.
        StableSeed.Mix(1, 0, 0x5eed).Should().Be(StableSeed.Mix(1, 0, 0x5eed));
        new[] { StableSeed.Mix(1, 0), StableSeed.Mix(1, 1), StableSeed.Mix(2, 0) }.Should().OnlyHaveUniqueItems();
        StableSeed.Mix(7, 3, 2).Should().Be(Expected, "the value computed in another process");
    }

    private const int Expected = 129793936;
}
