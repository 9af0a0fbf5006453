using Rebel.Models.Training;

namespace Rebel.Models.Tests.Training;

public class SftMetricsLineTests
{
    [Test]
    public void Of_WritesStepLossesAndLearningRate_InOrder_WithNullBetweenEvaluations()
    {
        Assert.That(SftMetricsLine.Of(new SftMetrics(3, 1.5, null, 0.25, 2.0, 0.5)).ToJsonString(),
            Is.EqualTo("{\"step\":3,\"loss/train\":1.5,\"loss/eval\":null,\"optim/lr\":0.25}"));
        Assert.That(SftMetricsLine.Of(new SftMetrics(4, 1.25, 1.75, 0.125, 2.0, 0.5)).ToJsonString(),
            Is.EqualTo("{\"step\":4,\"loss/train\":1.25,\"loss/eval\":1.75,\"optim/lr\":0.125}"));
    }
}
