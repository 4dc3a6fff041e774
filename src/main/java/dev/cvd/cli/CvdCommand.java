package dev.cvd.cli;

import io.quarkus.picocli.runtime.annotations.TopCommand;
import picocli.CommandLine.Command;

/** The {@code cvd} command: real-time crypto volatility-spike detection. */
@TopCommand
@Command(
        name = "cvd",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description =
                "Crypto volatility-spike detector: Coinbase market data to features to alerts.",
        subcommands = {
            ServeCommand.class,
            ReplayCommand.class,
            FeaturesCommand.class,
            TrainCommand.class,
            EvaluateCommand.class,
            RecordCommand.class,
            ModelsCommand.class
        })
public class CvdCommand {}
