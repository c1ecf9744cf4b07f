Faraday.new(headers: { "Authorization" => "Bearer KNjrgpenAB4opSeAE8lnBoesTcJXnfXTonBXZlhg" })
