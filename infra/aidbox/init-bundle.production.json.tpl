{
  "resourceType": "Bundle",
  "type": "transaction",
  "entry": [
    {
      "request": {
        "method": "PUT",
        "url": "/Client/portal-provisioner"
      },
      "resource": {
        "resourceType": "Client",
        "id": "portal-provisioner",
        "secret": "${AIDBOX_PORTAL_CLIENT_SECRET}",
        "grant_types": [
          "basic"
        ]
      }
    },
    {
      "request": {
        "method": "PUT",
        "url": "/AccessPolicy/portal-provisioner-clients"
      },
      "resource": {
        "resourceType": "AccessPolicy",
        "id": "portal-provisioner-clients",
        "description": "The portal's provisioning client: read, upsert, merge-patch and delete Clients and AccessPolicies (not its own), nothing else.",
        "engine": "matcho",
        "link": [
          {
            "reference": "Client/portal-provisioner"
          }
        ],
        "matcho": {
          "client": {
            "id": "portal-provisioner"
          },
          "request-method": {
            "$enum": [
              "get",
              "put",
              "patch",
              "delete"
            ]
          },
          "uri": "#^/(Client|AccessPolicy)/(?!portal-provisioner)[A-Za-z0-9.-]+$"
        }
      }
    },
    {
      "request": {
        "method": "PUT",
        "url": "/AccessPolicy/portal-provisioner-organizations"
      },
      "resource": {
        "resourceType": "AccessPolicy",
        "id": "portal-provisioner-organizations",
        "description": "The portal's provisioning client: list the organizations (OrgBAC), read only.",
        "engine": "matcho",
        "link": [
          {
            "reference": "Client/portal-provisioner"
          }
        ],
        "matcho": {
          "client": {
            "id": "portal-provisioner"
          },
          "request-method": "get",
          "uri": "#^/(fhir/)?Organization$"
        }
      }
    },
    {
      "request": {
        "method": "PUT",
        "url": "/Organization/org-acme-health"
      },
      "resource": {
        "resourceType": "Organization",
        "id": "org-acme-health",
        "active": true,
        "identifier": [
          {
            "system": "http://hl7.org/fhir/sid/us-npi",
            "value": "1000000001"
          }
        ],
        "type": [
          {
            "coding": [
              {
                "system": "http://terminology.hl7.org/CodeSystem/organization-type",
                "code": "pay",
                "display": "Payer"
              }
            ]
          }
        ],
        "name": "Acme Health Plan"
      }
    },
    {
      "request": {
        "method": "PUT",
        "url": "/Organization/org-beacon-mutual"
      },
      "resource": {
        "resourceType": "Organization",
        "id": "org-beacon-mutual",
        "active": true,
        "identifier": [
          {
            "system": "http://hl7.org/fhir/sid/us-npi",
            "value": "2000000001"
          }
        ],
        "type": [
          {
            "coding": [
              {
                "system": "http://terminology.hl7.org/CodeSystem/organization-type",
                "code": "pay",
                "display": "Payer"
              }
            ]
          }
        ],
        "name": "Beacon Mutual Insurance"
      }
    },
    {
      "request": {
        "method": "PUT",
        "url": "/Organization/org-acme-health-east"
      },
      "resource": {
        "resourceType": "Organization",
        "id": "org-acme-health-east",
        "meta": {
          "extension": [
            {
              "url": "https://aidbox.app/tenant-organization-id",
              "valueReference": {
                "reference": "Organization/org-acme-health"
              }
            }
          ]
        },
        "partOf": {
          "reference": "Organization/org-acme-health"
        },
        "active": true,
        "identifier": [
          {
            "system": "http://hl7.org/fhir/sid/us-npi",
            "value": "1000000002"
          }
        ],
        "type": [
          {
            "coding": [
              {
                "system": "http://terminology.hl7.org/CodeSystem/organization-type",
                "code": "pay",
                "display": "Payer"
              }
            ]
          }
        ],
        "name": "Acme Health Plan East"
      }
    }
  ]
}
