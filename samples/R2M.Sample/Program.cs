using Microsoft.ML;
using R2M.Estimators;
using TorchSharp;

// The main job. Later stages (preference data, reward model, R2M aligner, RL) plug in here; for now it
// checks that the R2M runtime loads and computes on this machine.
var ml = new MLContext(seed: 1);
var r2m = ml.R2M(); // first use of R2M: verifies that libtorch loads, or says why not
using var x = torch.arange(1, 7, dtype: torch.float32).reshape(2, 3);   // (2, 3)
using var y = x.matmul(x.t());                                           // (2, 2)
Console.WriteLine($"R2M for .NET: libtorch loaded (TorchSharp {typeof(torch).Assembly.GetName().Version}), " +
                  $"x·xᵀ = [[{y[0, 0].item<float>()}, {y[0, 1].item<float>()}], [{y[1, 0].item<float>()}, {y[1, 1].item<float>()}]]");
