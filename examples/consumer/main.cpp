// A command-line tool embedding overt. Events go to an in-process sink that prints them as
// NDJSON; a real tool would call overt::Collector::open(overt::load_config("overt.yaml"))
// and let the configured backend plugins deliver them.
#include <overt/collector.hpp>

#include <chrono>
#include <iostream>

class PrintSink : public overt::Sink {
   public:
    const std::string& id() const override { return id_; }
    std::string describe() const override { return "print (stdout)"; }
    overt::SendResult send(std::span<const overt::Event> events, overt::Deadline) override {
        for (const overt::Event& event : events) std::cout << overt::to_json(event) << '\n';
        return overt::SendResult::ok();
    }

   private:
    std::string id_ = "print";
};

int main() {
    const auto start = std::chrono::steady_clock::now();
    overt::Config config;
    config.tool_name = "consumer";
    config.tool_version = "1.0.0";
    std::vector<std::unique_ptr<overt::Sink>> sinks;
    sinks.push_back(std::make_unique<PrintSink>());
    overt::CollectorOptions options;
    options.consent_granted = true;  // decided by the tool here; Collector::open asks the user's consent
    overt::Collector telemetry(config, std::move(sinks), options);

    telemetry.track(overt::event_type::feature_used, "export", {{"format", "csv"}});
    const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
    telemetry.track_command("consumer run", elapsed.count(), 0);

    const overt::FlushReport report = telemetry.close();
    std::cerr << "sent " << report.events_sent << " events\n";
    return report.ok() ? 0 : 1;
}
