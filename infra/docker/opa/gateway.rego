# The lab's policy: members of the "orders" team may read and write orders; everyone else is denied.
# The gateway asks for data.gateway.allow on every request and must deny whenever it gets no answer.
package gateway

import rego.v1

default allow := false

teams := {"alice": "orders", "bob": "orders", "mallory": "billing"}

allow if {
	teams[input.user] == "orders"
	startswith(input.path, "/orders")
}
